// What the signed-in doctor is told about their standing with the hospital: nothing while credentialed; "not yet
// credentialed by <hospital>" with the credential request to copy (name, licence, specialty, sign key, box key —
// public data) while not; and, with no authority at all, that doctors are not verified on this workstation.
import { useState } from 'react';
import { credentialRequestOf, formatCredentialRequest } from '../../../../src-shared/ipc';
import { Banner } from '../../components/Banner';
import { Modal } from '../../components/Modal';
import { useHospital } from '../../stores/hospital';
import { useNavigation } from '../../stores/navigation';
import { useSession } from '../../stores/session';

const ENDED: Record<string, string> = {
  revoked: 'Your credential was revoked',
  expired: 'Your credential has expired',
  'not-yet': 'Your credential is not valid yet',
};

export function CredentialNotice() {
  const status = useHospital((s) => s.status);
  const identity = useSession((s) => s.identity);
  const [open, setOpen] = useState(false);
  const [copied, setCopied] = useState(false);
  const go = useNavigation((s) => s.go);
  if (!status || !identity) return null;
  if (status.state === 'none')
    return (
      <Banner tone="info" title="No hospital authority: doctors are not verified">
        <p>Set up or join a hospital under “Hospital” to credential the doctors of this workstation.</p>
      </Banner>
    );
  if (status.state !== 'verified' || !status.authority || !status.doctor) return null;
  const standing = status.doctor.status;
  if (standing === 'valid') return null;
  const request = formatCredentialRequest(credentialRequestOf(identity));
  const hospital = status.authority.name;
  // The one-machine default: the officer's key is here, so IT can issue right away (with the officer password).
  const officerHere = status.authority.officers.some((o) => o.onThisMachine);
  return (
    <>
      <Banner
        tone="warn"
        title={standing === 'unknown' ? `Not yet credentialed by ${hospital}` : `${ENDED[standing]} (${hospital})`}
      >
        <p>
          Until {hospital} credentials you, the charts you write are shown as by an unknown author.{' '}
          <button type="button" className="btn" onClick={() => setOpen(true)}>
            Credential request
          </button>{' '}
          {officerHere && (
            <button
              type="button"
              className="btn"
              onClick={() => {
                useHospital.getState().setDraftRequest(request);
                go({ name: 'hospital' });
              }}
            >
              Issue it here (officer password)
            </button>
          )}
        </p>
      </Banner>
      <Modal
        open={open}
        title="Your credential request"
        description={`Give this to ${hospital}'s IT. It holds only public data: your name, licence, specialty and public keys.`}
        onClose={() => setOpen(false)}
      >
        <div className="field field-wide">
          <label htmlFor="credential-request-out">Credential request</label>
          <textarea id="credential-request-out" className="mono" readOnly rows={10} value={request} />
        </div>
        <div className="btn-row">
          <button
            type="button"
            className="btn"
            onClick={() => void navigator.clipboard?.writeText(request).then(() => setCopied(true))}
          >
            {copied ? 'Copied' : 'Copy'}
          </button>
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            Close
          </button>
        </div>
      </Modal>
    </>
  );
}
