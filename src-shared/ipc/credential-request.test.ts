import { describe, expect, it } from 'vitest';
import {
  CREDENTIAL_REQUEST_FORMAT,
  credentialRequestOf,
  formatCredentialRequest,
  parseCredentialRequest,
} from './credential-request';

const identity = {
  name: 'Dr Ada Okafor',
  licenceNumber: 'GMC-7781234',
  specialty: 'Oncology',
  signKey: '6zQ5wYdK1xTLSrTTTbBJSUqmp4RUGhaCtanf6aiMHTZV',
  boxKey: '9qLvREC54mhKYivr88VpckyVWdAFmifJpGjbvV5AiTRs',
};

describe('credential request', () => {
  it('round-trips the public half of an identity, and nothing else', () => {
    const text = formatCredentialRequest(credentialRequestOf({ ...identity, id: 'x', password: 'secret' } as never));
    expect(text).not.toContain('secret');
    expect(parseCredentialRequest(text)).toEqual({
      ok: true,
      request: {
        format: CREDENTIAL_REQUEST_FORMAT,
        version: 1,
        name: identity.name,
        licence: identity.licenceNumber,
        specialty: identity.specialty,
        signKey: identity.signKey,
        boxKey: identity.boxKey,
      },
    });
  });

  it('says what is wrong: not JSON, another document, a damaged key, an extra field', () => {
    expect(parseCredentialRequest('Dr Ada')).toMatchObject({ ok: false, error: expect.stringMatching(/not JSON/) });
    expect(parseCredentialRequest('{"format":"healthchain.partial-transaction"}')).toMatchObject({
      ok: false,
      error: expect.stringMatching(/not a credential request/),
    });
    const good = credentialRequestOf(identity);
    expect(parseCredentialRequest(JSON.stringify({ ...good, signKey: 'not-a-key' }))).toMatchObject({
      ok: false,
      error: expect.stringMatching(/damaged: signKey/),
    });
    expect(parseCredentialRequest(JSON.stringify({ ...good, seed: 'abc' }))).toMatchObject({ ok: false });
  });
});
