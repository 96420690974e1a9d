// The "Hospital" section for IT: the pinned authority (or the set up / join choice while none is), its officers,
// the credential registry (name, licence, specialty, status, valid until, end reason) with renew / revoke, the
// registry's problems, issuing from a doctor's request, the quorum's custody acts (recover, off-board, re-key),
// starting a multi-officer ceremony while nothing is pinned, signing a partially signed file from another officer,
// the privacy officer's review of emergency access (EmergencyReview), this computer's officer keys (OfficerKeys),
// migrating the signed-in doctor's older charts (MigrationCard) and recovery with officers on other computers
// (RecoverySessionForms).
import { useEffect, useState } from 'react';
import type { AuthorityView, CredentialEntry } from '../../../../src-shared/ipc';
import { Banner } from '../../components/Banner';
import { ErrorMessage } from '../../components/ErrorMessage';
import { Loading } from '../../components/Loading';
import { useCharts } from '../../stores/charts';
import { useHospital } from '../../stores/hospital';
import { CeremonyForm } from './CeremonyForm';
import { CredentialActDialog, IssueCredentialForm, PartialSignForm } from './CredentialForms';
import { CustodyDesk } from './CustodyForms';
import { EmergencyReview } from './EmergencyReview';
import { HospitalChoice } from './HospitalChoice';
import { MigrationCard } from './MigrationCard';
import { OfficerKeys } from './OfficerKeys';
import { RecoveryCoordinator, SealShareForm } from './RecoverySessionForms';

const STATUS_LABEL: Record<CredentialEntry['status'], string> = {
  valid: 'Valid',
  'not-yet': 'Not yet valid',
  expired: 'Expired',
  revoked: 'Revoked',
  unknown: 'Unknown',
};
const day = (iso: string) => iso.slice(0, 10);

export function HospitalScreen() {
  const { status, error, load } = useHospital();
  useEffect(() => {
    void load();
  }, [load]);

  return (
    <section aria-labelledby="hospital-title" className="settings-page">
      <div className="page-header">
        <div>
          <h1 id="hospital-title">Hospital</h1>
          <p className="muted">The hospital authority credentials doctors on the ledger; only they count as doctors.</p>
        </div>
      </div>
      <ErrorMessage error={error} />
      {!status && !error && <Loading label="Reading the hospital authority…" />}
      {status?.state === 'none' && <HospitalChoice />}
      {status?.state === 'none' && !status.locked && <CeremonyForm />}
      {status?.state === 'unverified' && (
        <Banner tone="danger" title="The pinned hospital authority cannot be verified">
          <p>{status.reason} Nothing it vouches for counts until this is resolved.</p>
        </Banner>
      )}
      {status?.state === 'unreachable' && (
        <Banner tone="warn" title="The ledger cannot be reached">
          <p>{status.reason}</p>
        </Banner>
      )}
      {status?.state === 'verified' && status.authority && (
        <>
          <AuthorityDetails authority={status.authority} managed={status.pinnedBy === 'managed'} />
          <Registry authority={status.authority} />
          <EmergencyReview authority={status.authority} />
          {status.doctor && <MigrationCard onDone={() => void useCharts.getState().loadList()} />}
        </>
      )}
      {status && <OfficerKeys />}
      {status && status.state !== 'unreachable' && (
        <PartialSignForm authority={status.authority} onDone={() => void refresh()} />
      )}
    </section>
  );
}

function refresh() {
  return Promise.all([useHospital.getState().load(), useHospital.getState().loadRegistry()]);
}

function AuthorityDetails({ authority, managed }: { authority: AuthorityView; managed: boolean }) {
  return (
    <div className="card" aria-label="Hospital authority">
      <h2>{authority.name}</h2>
      <dl className="details">
        <dt>Authority id</dt>
        <dd className="mono">{authority.id}</dd>
        <dt>Pinned by</dt>
        <dd>{managed ? 'your IT department (managed setting)' : 'this computer'}</dd>
        <dt>Quorum</dt>
        <dd>
          {authority.threshold} of {authority.officers.length} officer{authority.officers.length === 1 ? '' : 's'}
        </dd>
      </dl>
      <ul aria-label="Officers">
        {authority.officers.map((o) => (
          <li key={o.signKey}>
            {o.name} <span className="mono muted">{o.signKey}</span>
            {o.onThisMachine && <strong> — key on this computer</strong>}
          </li>
        ))}
      </ul>
    </div>
  );
}

function Registry({ authority }: { authority: AuthorityView }) {
  const { registry, registryError, loadRegistry } = useHospital();
  const [acting, setActing] = useState<{ kind: 'renew' | 'revoke'; credential: CredentialEntry } | null>(null);
  const canSign = authority.officers.some((o) => o.onThisMachine);
  useEffect(() => {
    void loadRegistry();
  }, [loadRegistry]);

  return (
    <>
      <div className="card">
        <h2>Credentials</h2>
        <ErrorMessage error={registryError} />
        {!registry && !registryError && <Loading label="Reading credentials…" />}
        {registry && registry.credentials.length === 0 && <p className="muted">No credentials issued yet.</p>}
        {registry && registry.credentials.length > 0 && (
          <table className="data" aria-label="Credentials">
            <thead>
              <tr>
                <th scope="col">Name</th>
                <th scope="col">Licence</th>
                <th scope="col">Specialty</th>
                <th scope="col">Status</th>
                <th scope="col">Valid until</th>
                <th scope="col">End reason</th>
                {canSign && <th scope="col">Actions</th>}
              </tr>
            </thead>
            <tbody>
              {registry.credentials.map((c) => (
                <tr key={c.credentialId}>
                  <td>{c.name}</td>
                  <td>{c.licence}</td>
                  <td>{c.specialty || '—'}</td>
                  <td>{STATUS_LABEL[c.status]}</td>
                  <td>{day(c.validUntil)}</td>
                  <td>{c.endReason ?? '—'}</td>
                  {canSign && (
                    <td>
                      {c.endReason === null && (
                        <span className="btn-row">
                          <button
                            type="button"
                            className="btn"
                            aria-label={`Renew ${c.name}`}
                            onClick={() => setActing({ kind: 'renew', credential: c })}
                          >
                            Renew
                          </button>
                          <button
                            type="button"
                            className="btn btn-danger"
                            aria-label={`Revoke ${c.name}`}
                            onClick={() => setActing({ kind: 'revoke', credential: c })}
                          >
                            Revoke
                          </button>
                        </span>
                      )}
                    </td>
                  )}
                </tr>
              ))}
            </tbody>
          </table>
        )}
        {registry && registry.problems.length > 0 && (
          <>
            <h3>Registry problems</h3>
            <ul aria-label="Registry problems">
              {registry.problems.map((p) => (
                <li key={p.id}>
                  <span className="mono">{p.id.slice(0, 16)}…</span> {p.reason}
                </li>
              ))}
            </ul>
          </>
        )}
      </div>
      {canSign ? (
        <>
          <IssueCredentialForm authority={authority} onDone={() => void refresh()} />
          {registry && (
            <CustodyDesk
              authority={authority}
              credentials={registry.credentials}
              onDone={() => {
                void refresh();
                // The doctor signed in here may have gained or lost charts: their list is read again.
                void useCharts.getState().loadList();
              }}
            />
          )}
          {registry && (
            <RecoveryCoordinator
              authority={authority}
              credentials={registry.credentials}
              onDone={() => void useCharts.getState().loadList()}
            />
          )}
          <SealShareForm authority={authority} />
        </>
      ) : (
        <p className="muted">No officer key of this hospital is on this computer: credentials are issued by IT.</p>
      )}
      {acting && (
        <CredentialActDialog
          kind={acting.kind}
          credential={acting.credential}
          authority={authority}
          onClose={() => setActing(null)}
          onDone={() => void refresh()}
        />
      )}
    </>
  );
}
