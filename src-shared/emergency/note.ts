// The requester's free text, sealed like a chart version (a fresh data key, wrapped to each reader with an anonymous
// sealed box) so that only the patient, the custodian and the privacy officers can read why the glass was broken.
import { utf8 as utf8Coder } from '@scure/base';
import nacl from 'tweetnacl';
import { fromBase64, randomBytes, toBase64, utf8, wipe } from '../crypto/bytes';
import { sealTo } from '../crypto/sealed-box';
import type { EnvelopeReaderKey } from '../crypto/envelope';
import { EmergencyInputError, type SealedNote } from './model';

export function sealNote(text: string, readerBoxKeys: readonly string[]): SealedNote {
  const keys = [...new Set(readerBoxKeys)];
  if (keys.length === 0) throw new EmergencyInputError('the reason must be sealed to at least one reader');
  const dataKey = randomBytes(nacl.secretbox.keyLength);
  const nonce = randomBytes(nacl.secretbox.nonceLength);
  try {
    const box = nacl.secretbox(utf8(text), nonce, dataKey);
    return {
      readers: keys.map((key) => ({ key, wrap: toBase64(sealTo(key, dataKey)) })),
      nonce: toBase64(nonce),
      box: toBase64(box),
    };
  } finally {
    wipe(dataKey);
  }
}

export async function openNote(note: SealedNote, reader: EnvelopeReaderKey): Promise<string> {
  const entry = note.readers.find((r) => r.key === reader.boxKey);
  if (!entry) throw new EmergencyInputError('the reason was not sealed to this key');
  const dataKey = await reader.openSealed(fromBase64(entry.wrap));
  try {
    const opened = nacl.secretbox.open(fromBase64(note.box), fromBase64(note.nonce), dataKey);
    if (!opened) throw new EmergencyInputError('the sealed reason does not open: it was altered');
    return utf8Coder.encode(opened); // @scure/base's utf8 coder: bytes → text
  } finally {
    wipe(dataKey);
  }
}
