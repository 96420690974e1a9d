// IT starts a multi-officer hospital authority from the Hospital section while nothing is pinned (the app's
// `hospital init` with officers' public keys): the answer is the partially signed file every officer signs under
// "Sign a partially signed file"; once all have, it is posted and its id is the authority to join.
import { useState, type FormEvent } from 'react';
import type { QuorumAct } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { TextField } from '../../components/TextField';
import { useIpcAction } from '../../hooks/useIpcAction';
import { fieldError } from './CustodyFields';
import { QuorumActView } from './QuorumActView';

/** One officer a line: their name, then their signKey and boxKey (`hospital officer create` prints both). */
export function parseOfficers(text: string): { name: string; signKey: string; boxKey: string }[] | string {
  const officers = [];
  for (const [i, line] of text.split('\n').entries()) {
    const words = line.trim().split(/\s+/).filter(Boolean);
    if (words.length === 0) continue;
    if (words.length < 3) return `Line ${i + 1}: write the officer's name, then their signing key and encryption key`;
    const [signKey, boxKey] = words.slice(-2) as [string, string];
    officers.push({ name: words.slice(0, -2).join(' '), signKey, boxKey });
  }
  return officers;
}

export function CeremonyForm() {
  const [hospitalName, setHospitalName] = useState('');
  const [threshold, setThreshold] = useState('2');
  const [officerText, setOfficerText] = useState('');
  const { busy, error, value: act, run, fail } = useIpcAction<QuorumAct>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const officers = parseOfficers(officerText);
    if (typeof officers === 'string') return fail({ code: 'INVALID_REQUEST', message: officers, fields: { officers } });
    await run(() => api().hospital.startCeremony({ hospitalName, threshold: Number(threshold), officers }));
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Start a multi-officer hospital" className="card">
      <h2>Start a multi-officer hospital</h2>
      <p className="muted">
        Several officers on their own machines hold the hospital&apos;s authority: any <em>threshold</em> of them
        credential doctors and move charts, and the recovery key is split among them. Each officer first makes their key
        on their machine (<span className="mono">npm run cli -- hospital officer create</span>) and sends its public
        keys. Every officer then signs the file this makes; once all have, join the posted authority id.
      </p>
      <TextField
        label="Hospital name"
        value={hospitalName}
        onChange={setHospitalName}
        error={fieldError(error, 'hospitalName')}
      />
      <TextField
        label="Threshold"
        type="number"
        min={1}
        value={threshold}
        onChange={setThreshold}
        error={fieldError(error, 'threshold')}
        hint="How many officers must sign each act."
      />
      <div className="field field-wide">
        <label htmlFor="ceremony-officers">Officers</label>
        <textarea
          id="ceremony-officers"
          className="mono"
          rows={4}
          value={officerText}
          onChange={(e) => setOfficerText(e.target.value)}
          aria-invalid={fieldError(error, 'officers') ? true : undefined}
          aria-describedby="ceremony-officers-hint"
        />
        <span id="ceremony-officers-hint" className="hint">
          One officer a line: name, signing key, encryption key.
        </span>
        {fieldError(error, 'officers') && <span className="field-error">{fieldError(error, 'officers')}</span>}
      </div>
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Preparing…' : 'Prepare the ceremony file'}
        </button>
      </div>
      {act && <QuorumActView act={act} />}
    </form>
  );
}
