import { cleanup, render, screen } from '@testing-library/react';
import { afterEach, describe, expect, it } from 'vitest';
import type { QuorumAct } from '../../../../src-shared/ipc';
import { KEY_THIRD, txId } from '../../test/fixtures';
import { QuorumActView } from './QuorumActView';

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
});
