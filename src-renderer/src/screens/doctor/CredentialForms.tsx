// IT's credential forms: issue (filled from a doctor's credential request, or typed), renew / revoke one credential,
// and add this machine's officer signature to a partially signed file. Each act asks for the officer password and
// sends it once; main unlocks the officer key for that act only. Errors are the desk's own, shown on their field
// (licence taken, dates, wrong password).
import { useEffect, useState, type FormEvent } from 'react';
import { parseCredentialRequest, type AuthorityView, type QuorumAct } from '../../../../src-shared/ipc';
import { api } from '../../api';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Modal } from '../../components/Modal';
import { TextField } from '../../components/TextField';
import { useIpcAction } from '../../hooks/useIpcAction';
import { useHospital } from '../../stores/hospital';
import { OfficerField, OfficerPasswordField } from './OfficerFields';
import { QuorumActView } from './QuorumActView';

const officerOf = (officer: string) => (officer ? { officer } : {});

type IssueField = 'name' | 'licence' | 'specialty' | 'signKey' | 'boxKey' | 'validUntil';
const LABELS: Record<IssueField, string> = {
  name: 'Name',
  licence: 'Licence number',
  specialty: 'Specialty',
  signKey: 'Signing key',
  boxKey: 'Encryption key',
  validUntil: 'Valid until',
};

export function IssueCredentialForm({ authority, onDone }: { authority: AuthorityView; onDone: () => void }) {
  const [draft] = useState(() => useHospital.getState().draftRequest);
  const [requestText, setRequestText] = useState(draft ?? '');
  const [requestError, setRequestError] = useState<string | null>(null);
  const [values, setValues] = useState<Record<IssueField, string>>(() => {
    const empty = { name: '', licence: '', specialty: '', signKey: '', boxKey: '', validUntil: '' };
    const parsed = draft === null ? null : parseCredentialRequest(draft);
    if (!parsed?.ok) return empty;
    const { name, licence, specialty, signKey, boxKey } = parsed.request;
    return { ...empty, name, licence, specialty, signKey, boxKey };
  });
  const [password, setPassword] = useState('');
  const [officer, setOfficer] = useState('');
  const { busy, error, value: act, run } = useIpcAction<QuorumAct>();

  // A request handed over from the doctor's notice on this machine: taken once, then cleared from the store.
  useEffect(() => {
    if (draft !== null) useHospital.getState().setDraftRequest(null);
  }, [draft]);

  function readRequest(text = requestText) {
    const parsed = parseCredentialRequest(text);
    if (!parsed.ok) {
      setRequestError(parsed.error);
      return;
    }
    setRequestError(null);
    const { name, licence, specialty, signKey, boxKey } = parsed.request;
    setValues((v) => ({ ...v, name, licence, specialty, signKey, boxKey }));
  }

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await run(() => api().credentials.issue({ ...values, password, ...officerOf(officer) }));
    setPassword('');
    if (done) onDone();
  }

  const fieldError = (field: string) => error?.fields?.[field];
  return (
    <form onSubmit={submit} noValidate aria-label="Issue a credential" className="card">
      <h2>Issue a credential</h2>
      <div className="field field-wide">
        <label htmlFor="credential-request">Doctor&apos;s credential request</label>
        <textarea
          id="credential-request"
          className="mono"
          rows={4}
          value={requestText}
          onChange={(e) => setRequestText(e.target.value)}
          aria-describedby="credential-request-hint"
        />
        <span id="credential-request-hint" className="hint">
          Paste the request the doctor copied from their screen, then check the licence before issuing.
        </span>
        {requestError && (
          <span className="field-error" role="alert">
            {requestError}
          </span>
        )}
      </div>
      <div className="btn-row">
        <button type="button" className="btn" onClick={() => readRequest()}>
          Fill from request
        </button>
      </div>
      {(Object.keys(LABELS) as IssueField[]).map((field) => (
        <TextField
          key={field}
          label={LABELS[field]}
          type={field === 'validUntil' ? 'date' : 'text'}
          className={field === 'signKey' || field === 'boxKey' ? 'mono' : undefined}
          value={values[field]}
          onChange={(value) => setValues((v) => ({ ...v, [field]: value }))}
          error={fieldError(field)}
          wide={field === 'signKey' || field === 'boxKey'}
        />
      ))}
      <OfficerField authority={authority} value={officer} onChange={setOfficer} />
      <OfficerPasswordField value={password} onChange={setPassword} error={fieldError('password')} />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn btn-primary" disabled={busy}>
          {busy ? 'Signing…' : 'Issue credential'}
        </button>
      </div>
      {act && <QuorumActView act={act} />}
    </form>
  );
}

export function CredentialActDialog({
  kind,
  credential,
  authority,
  onClose,
  onDone,
}: {
  kind: 'renew' | 'revoke';
  credential: { credentialId: string; name: string; licence: string };
  authority: AuthorityView;
  onClose: () => void;
  onDone: () => void;
}) {
  const [validUntil, setValidUntil] = useState('');
  const [reason, setReason] = useState('');
  const [password, setPassword] = useState('');
  const [officer, setOfficer] = useState('');
  const { busy, error, value: act, run } = useIpcAction<QuorumAct>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const common = { credentialId: credential.credentialId, password, ...officerOf(officer) };
    const done = await run(() =>
      kind === 'renew'
        ? api().credentials.renew({ ...common, validUntil })
        : api().credentials.revoke({ ...common, reason }),
    );
    setPassword('');
    if (done) onDone();
  }

  const title = `${kind === 'renew' ? 'Renew' : 'Revoke'} the credential of ${credential.name}`;
  return (
    <Modal open title={title} onClose={onClose} description={`Licence ${credential.licence}`}>
      {act ? (
        <>
          <QuorumActView act={act} />
          <div className="btn-row">
            <button type="button" className="btn" onClick={onClose}>
              Close
            </button>
          </div>
        </>
      ) : (
        <form onSubmit={submit} noValidate aria-label={title}>
          {kind === 'renew' ? (
            <TextField
              label="Valid until"
              type="date"
              value={validUntil}
              onChange={setValidUntil}
              error={error?.fields?.validUntil}
            />
          ) : (
            <TextField
              label="Reason"
              value={reason}
              onChange={setReason}
              hint="e.g. left the hospital. Versions this doctor signs from now on are shown as unknown author."
            />
          )}
          <OfficerField authority={authority} value={officer} onChange={setOfficer} />
          <OfficerPasswordField value={password} onChange={setPassword} error={error?.fields?.password} />
          <ErrorMessage error={error} />
          <div className="btn-row">
            <button type="button" className="btn" onClick={onClose}>
              Cancel
            </button>
            <button type="submit" className={`btn ${kind === 'revoke' ? 'btn-danger' : 'btn-primary'}`} disabled={busy}>
              {kind === 'renew' ? 'Renew' : 'Revoke'}
            </button>
          </div>
        </form>
      )}
    </Modal>
  );
}

export function PartialSignForm({ authority, onDone }: { authority: AuthorityView | null; onDone: () => void }) {
  const [partial, setPartial] = useState('');
  const [password, setPassword] = useState('');
  const [officer, setOfficer] = useState('');
  const { busy, error, value: act, run } = useIpcAction<QuorumAct>();

  async function submit(event: FormEvent) {
    event.preventDefault();
    const done = await run(() => api().hospital.signPartial({ partial, password, ...officerOf(officer) }));
    setPassword('');
    if (done) onDone();
  }

  return (
    <form onSubmit={submit} noValidate aria-label="Sign a partially signed file" className="card">
      <h2>Sign a partially signed file</h2>
      <div className="field field-wide">
        <label htmlFor="partial-import-file">Open the file</label>
        <input
          id="partial-import-file"
          type="file"
          accept=".json,application/json"
          onChange={async (e) => {
            const file = e.target.files?.[0];
            if (file) setPartial(await file.text());
          }}
        />
      </div>
      <div className="field field-wide">
        <label htmlFor="partial-import">File from another officer</label>
        <textarea
          id="partial-import"
          className="mono"
          rows={5}
          value={partial}
          onChange={(e) => setPartial(e.target.value)}
          aria-describedby="partial-import-hint"
        />
        <span id="partial-import-hint" className="hint">
          Open the file, or paste its text. It holds the transaction and the signatures so far, never a key.
        </span>
      </div>
      {authority && <OfficerField authority={authority} value={officer} onChange={setOfficer} />}
      <OfficerPasswordField value={password} onChange={setPassword} error={error?.fields?.password} />
      <ErrorMessage error={error} />
      <div className="btn-row">
        <button type="submit" className="btn" disabled={busy}>
          {busy ? 'Signing…' : 'Sign'}
        </button>
      </div>
      {act && <QuorumActView act={act} />}
    </form>
  );
}
