// The access history as the doctor and the patient read it: who reads now (an emergency grant marked, with its end),
// and what happened, newest first, with the sealed reason only when main could open it.
import { render, screen, within } from '@testing-library/react';
import { describe, expect, it } from 'vitest';
import '../test/render';
import { chartAccess } from '../test/access-fixtures';
import { KEY_ME } from '../test/fixtures';
import { AccessView } from './AccessView';

describe('AccessView', () => {
  it('lists who reads now, with the emergency grant and its end, and says "you" for the viewer', () => {
    render(<AccessView access={chartAccess()} viewerSignKey={KEY_ME} />);
    const readers = within(screen.getByRole('list', { name: 'Who can read this record now' })).getAllByRole('listitem');
    expect(readers.map((li) => li.textContent?.trim())).toEqual([
      'Responsible doctor (custodian): you',
      'Patient (access card): Amelia Quartermaine',
      'Shared with: Dr. Tomasz Wierzbicki',
      expect.stringMatching(/^Emergency access: Dr\. Ada Okafor until .*2026/),
    ]);
    expect(readers[3]!.className).toBe('access-emergency');
  });

  it('tells the history newest first, with the reason in words and the sealed text', () => {
    render(<AccessView access={chartAccess()} />);
    const rows = within(screen.getByRole('table', { name: 'Access history' }))
      .getAllByRole('row')
      .slice(1);
    expect(rows.map((r) => (r as HTMLTableRowElement).cells[1]!.textContent)).toEqual([
      expect.stringMatching(/^Emergency access granted to Dr\. Ada Okafor until /),
      'Emergency access requested by Dr. Ada Okafor — Patient unconsciousReason given: Found collapsed in the car park',
      'Dr. Lena Okafor shared the record with Dr. Tomasz Wierzbicki',
      'Record created by Dr. Lena Okafor',
    ]);
  });

  it('shows a refusal in words, no reason text it was not given, and why the emergency part is missing', () => {
    const access = chartAccess();
    access.history = [
      { ...access.history[2]!, text: null },
      {
        ...access.history[3]!,
        kind: 'emergency-refusal',
        refusal: 'revoked',
        expiresAt: null,
        text: null,
      },
    ];
    render(<AccessView access={{ ...access, emergencyUnavailable: 'No emergency access service is configured.' }} />);
    const table = screen.getByRole('table', { name: 'Access history' });
    expect(table.textContent).toContain(
      "Emergency access refused to Dr. Ada Okafor: the requester's credential was revoked",
    );
    expect(table.textContent).not.toContain('Reason given');
    expect(screen.getByText('No emergency access service is configured.')).toBeTruthy();
  });
});
