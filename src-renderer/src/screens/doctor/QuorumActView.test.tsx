import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuorumAct } from '../../../../src-shared/ipc';
import { KEY_ME, KEY_OTHER, KEY_THIRD, txId } from '../../test/fixtures';
import { QuorumActView, signersLine } from './QuorumActView';
import { quorumActSchema } from '../../../../src-shared/ipc/hospital';

const act = (queued?: boolean): QuorumAct => ({
  posted: txId(9),
  partial: null,
  describes: 'Issue a credential to Dr Quinn',
  signedBy: [KEY_THIRD],
  needed: 1,
  ...(queued === undefined ? {} : { queued }),
});

afterEach(cleanup);

describe('QuorumActView', () => {
  it('says an act queued in the outbox will post when the node is reachable, not that it is done', () => {
    render(<QuorumActView act={act(true)} />);
    expect(screen.getByText('Queued: will post when the ledger node is reachable')).toBeTruthy();
    expect(screen.queryByText('Done: posted to the ledger')).toBeNull();
  });

  it('says a posted act is done', () => {
    render(<QuorumActView act={act(false)} />);
    expect(screen.getByText('Done: posted to the ledger')).toBeTruthy();
    expect(screen.queryByText(/Queued/)).toBeNull();
  });

  it("names a v3 move file's signers by officer, not by their tweaked keys, and counts the ones it cannot name", () => {
    // An envelope v3 move file, 2 signatures of the 3 needed, under per-chart tweaked keys: the desk mapped the
    // coordinator's back (its box holds the coordinator's tweak), not the other officer's.
    const partial: QuorumAct = {
      posted: null,
      partial: '{"format":"healthchain.partial-transaction"}',
      describes: 'Move custody of an envelope v3 chart by the quorum',
      signedBy: [KEY_ME, KEY_OTHER],
      signers: ['Ann Lee', null],
      needed: 3,
    };
    expect(quorumActSchema.parse(partial)).toEqual(partial);
    render(<QuorumActView act={partial} />);
    expect(screen.getByText('Signed by Ann Lee, one more officer this computer cannot name.')).toBeTruthy();
    const card = screen.getByLabelText('More officers must sign');
    expect(card.textContent).not.toContain(KEY_ME);
    expect(card.textContent).not.toContain(KEY_OTHER);
  });

  it('names every signer of a posted act by officer', () => {
    render(<QuorumActView act={{ ...act(false), signedBy: [KEY_ME, KEY_THIRD], signers: ['Ann Lee', 'Ben Ode'] }} />);
    expect(screen.getByText('Signed by Ann Lee, Ben Ode.')).toBeTruthy();
  });

  it('counts signers it cannot name, and says nothing of signers when the answer has no names', () => {
    expect(signersLine({ signedBy: [KEY_ME, KEY_OTHER], signers: [null, null] })).toBe(
      'Signed by 2 officers this computer cannot name',
    );
    expect(signersLine({ signedBy: [KEY_ME], signers: [null] })).toBe(
      'Signed by one officer this computer cannot name',
    );
    expect(signersLine({ signedBy: [KEY_ME, KEY_OTHER, KEY_THIRD], signers: ['Ann Lee', null, null] })).toBe(
      'Signed by Ann Lee, 2 more officers this computer cannot name',
    );
    expect(signersLine({ signedBy: [], signers: [] })).toBeNull();
  });

  it('refuses an answer whose signers do not match its signedBy keys', () => {
    expect(() => quorumActSchema.parse({ ...act(false), signedBy: [KEY_ME], signers: ['Ann Lee', 'Ben Ode'] })).toThrow(
      /signers must name each key/,
    );
  });
});
