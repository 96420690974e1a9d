import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import { historyEntries, txId } from '../../test/fixtures';
import { HistoryPanel } from './HistoryPanel';

describe('History panel', () => {
  it("shows a revoke's reason on that version only", () => {
    const [create, update] = historyEntries();
    const revoke = {
      ...update!,
      seq: 3,
      txId: txId(3),
      action: 'revoke' as const,
      changes: [],
      note: 'Opened for the wrong patient',
    };
    render(<HistoryPanel versions={[create!, update!, revoke]} error={null} onView={() => {}} viewingSeq={3} />);
    const revoked = screen.getByRole('listitem', { name: 'Version 3' });
    expect(within(revoked).getByText('Reason: Opened for the wrong patient')).toBeTruthy();
    expect(within(screen.getByRole('listitem', { name: 'Version 2' })).queryByText(/^Reason:/)).toBeNull();
  });
});
