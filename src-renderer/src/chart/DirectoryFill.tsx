// For a list entry with a practitioner key field: pick the doctor from the ledger's practitioner directory instead
// of typing a 44-character key; fills the key, and the name and specialty when the entry has those fields.
import { BookUser } from 'lucide-react';
import { useState } from 'react';
import type { Practitioner } from '../../../src-shared/ipc';
import { Modal } from '../components/Modal';
import { PractitionerPicker } from '../components/PractitionerPicker';

const NONE: ReadonlySet<string> = new Set();

export function DirectoryFill({ entryLabel, onPick }: { entryLabel: string; onPick: (p: Practitioner) => void }) {
  const [open, setOpen] = useState(false);
  return (
    <>
      <button type="button" className="btn" onClick={() => setOpen(true)}>
        <BookUser aria-hidden="true" size={16} /> Choose {entryLabel} from the directory
      </button>
      <Modal
        open={open}
        title="Practitioner directory"
        description="Doctors who published their identity on the ledger."
        onClose={() => setOpen(false)}
        footer={
          <button type="button" className="btn" onClick={() => setOpen(false)}>
            Cancel
          </button>
        }
      >
        <PractitionerPicker
          exclude={NONE}
          busy={false}
          actionLabel={(p) => `Choose ${p.name}`}
          onPick={(p) => {
            onPick(p);
            setOpen(false);
          }}
        />
      </Modal>
    </>
  );
}
