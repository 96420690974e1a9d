import { describe, expect, it } from 'vitest';
import { keychainError } from './keychain';

// The messages below are what keytar 7.9 / libsecret print in each situation, captured on this machine.
describe('keychain error mapping', () => {
  it.each([
    ['Cannot autolaunch D-Bus without X11 $DISPLAY', 'KeychainUnavailable'],
    ['Could not connect: No such file or directory', 'KeychainUnavailable'],
    ['The name org.freedesktop.secrets was not provided by any .service files', 'KeychainUnavailable'],
    ['Cannot create an item in a locked collection', 'KeychainLocked'],
    ['Object does not exist at path “/org/freedesktop/secrets/collection/login”', 'KeychainLocked'],
  ])('%s → %s', (message, code) => {
    expect(keychainError(new Error(message)).code).toBe(code);
  });

  it('tells the user what to install or start', () => {
    const error = keychainError(new Error('Could not connect: No such file or directory'));
    expect(error.message).toMatch(/gnome-keyring/);
    expect(error.message).toMatch(/Secret Service/);
  });
});
