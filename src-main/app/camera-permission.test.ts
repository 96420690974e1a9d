// The session's permission handlers (guards.ts) over every combination that matters: the camera is granted only in
// the kiosk build, only for `media` with video alone, only to our own page's main frame on app://healthchain, and
// only while the kioskCamera setting is on. Everything else, in both builds, stays denied.
import { describe, expect, it } from 'vitest';
import { guardSession } from './guards';
import { FakeSession, fakeEvent } from '../../test/fakes/fake-electron';

type Variant = 'workstation' | 'kiosk';
const VARIANTS: Variant[] = ['workstation', 'kiosk'];
const PERMISSIONS = [
  'media',
  'display-capture',
  'geolocation',
  'notifications',
  'clipboard-read',
  'clipboard-sanitized-write',
  'fullscreen',
  'openExternal',
  'pointerLock',
  'hid',
  'usb',
  'serial',
  'midi',
  'mediaKeySystem',
  'speaker-selection',
  'unknown',
];
const MEDIA_TYPES: (('video' | 'audio')[] | undefined)[] = [
  undefined,
  [],
  ['video'],
  ['audio'],
  ['video', 'audio'],
  ['audio', 'video'],
  ['video', 'video'],
];
const CHECK_MEDIA_TYPES = [undefined, 'video', 'audio', 'unknown'] as const;
// [origin, is it ours]
const ORIGINS: [string | undefined, boolean][] = [
  ['app://healthchain/', true],
  ['app://healthchain', true],
  ['app://other/', false],
  ['app://healthchain.evil.example/', false],
  ['app://user@healthchain/', false],
  ['https://healthchain/', false],
  ['http://127.0.0.1:47312/', false],
  ['file:///index.html', false],
  ['devtools://devtools/', false],
  ['null', false],
  ['', false],
  [undefined, false],
];
const pageUrl = (origin: string | undefined) =>
  origin === undefined ? undefined : origin.replace(/\/?$/, '/index.html');

function session(variant: Variant, setting: { on: boolean }) {
  const s = new FakeSession();
  guardSession(s as never, { variant, cameraSetting: () => setting.on });
  return {
    request(permission: string, details: object): boolean {
      let answer: unknown = 'unanswered';
      s.permissionRequestHandler?.({}, permission, (granted: boolean) => (answer = granted), details);
      if (typeof answer !== 'boolean') throw new Error('the request handler did not answer');
      return answer;
    },
    check: (permission: string, origin: string | undefined, details: object): unknown =>
      s.permissionCheckHandler?.({}, permission, origin, details),
    raw: s,
  };
}

describe('camera permission: requests', () => {
  it('grants exactly kiosk × media × video only × our main frame × setting on, and denies every other combination', () => {
    const wrong: string[] = [];
    let granted = 0;
    for (const variant of VARIANTS) {
      for (const on of [true, false]) {
        const s = session(variant, { on });
        for (const permission of PERMISSIONS) {
          for (const mediaTypes of MEDIA_TYPES) {
            for (const [origin, ours] of ORIGINS) {
              for (const isMainFrame of [true, false]) {
                const details = {
                  isMainFrame,
                  requestingUrl: pageUrl(origin),
                  securityOrigin: origin,
                  ...(mediaTypes ? { mediaTypes } : {}),
                };
                const expected =
                  variant === 'kiosk' &&
                  on &&
                  permission === 'media' &&
                  isMainFrame &&
                  ours &&
                  mediaTypes !== undefined &&
                  mediaTypes.length > 0 &&
                  mediaTypes.every((t) => t === 'video');
                const answer = s.request(permission, details);
                if (answer) granted++;
                if (answer !== expected)
                  wrong.push(`${variant} setting=${on} ${permission} ${JSON.stringify(details)} → ${answer}`);
              }
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(granted).toBe(2 * 2); // two spellings of our origin × two all-video media type lists
  });

  it('needs both the security origin and the requesting page to be ours', () => {
    const s = session('kiosk', { on: true });
    const base = { isMainFrame: true, mediaTypes: ['video'] };
    expect(
      s.request('media', {
        ...base,
        securityOrigin: 'app://healthchain/',
        requestingUrl: 'app://healthchain/index.html',
      }),
    ).toBe(true);
    expect(
      s.request('media', { ...base, securityOrigin: 'app://healthchain/', requestingUrl: 'https://evil.example/' }),
    ).toBe(false);
    expect(
      s.request('media', {
        ...base,
        securityOrigin: 'https://evil.example/',
        requestingUrl: 'app://healthchain/index.html',
      }),
    ).toBe(false);
    expect(s.request('media', { ...base, requestingUrl: 'app://healthchain/index.html' })).toBe(false);
  });

  it('reads the setting at every request, so IT turning the camera off takes effect at once', () => {
    const setting = { on: true };
    const s = session('kiosk', setting);
    const details = {
      isMainFrame: true,
      mediaTypes: ['video'],
      securityOrigin: 'app://healthchain/',
      requestingUrl: 'app://healthchain/index.html',
    };
    expect(s.request('media', details)).toBe(true);
    setting.on = false;
    expect(s.request('media', details)).toBe(false);
    setting.on = true;
    expect(s.request('media', details)).toBe(true);
  });
});

describe('camera permission: checks', () => {
  it('answers true exactly for kiosk × media × video × our main frame × setting on', () => {
    const wrong: string[] = [];
    let allowed = 0;
    for (const variant of VARIANTS) {
      for (const on of [true, false]) {
        const s = session(variant, { on });
        for (const permission of PERMISSIONS) {
          for (const mediaType of CHECK_MEDIA_TYPES) {
            for (const [origin, ours] of ORIGINS) {
              for (const isMainFrame of [true, false]) {
                const details = {
                  isMainFrame,
                  requestingUrl: pageUrl(origin),
                  securityOrigin: origin,
                  ...(mediaType ? { mediaType } : {}),
                };
                const expected =
                  variant === 'kiosk' && on && permission === 'media' && mediaType === 'video' && isMainFrame && ours;
                const answer = s.check(permission, origin, details);
                if (answer === true) allowed++;
                if (answer !== expected)
                  wrong.push(
                    `${variant} setting=${on} ${permission} ${origin} ${JSON.stringify(details)} → ${String(answer)}`,
                  );
              }
            }
          }
        }
      }
    }
    expect(wrong).toEqual([]);
    expect(allowed).toBe(2);
  });

  it('refuses a check whose security origin is not ours even when the requesting origin is', () => {
    const s = session('kiosk', { on: true });
    expect(
      s.check('media', 'app://healthchain', {
        isMainFrame: true,
        mediaType: 'video',
        securityOrigin: 'https://evil.example',
      }),
    ).toBe(false);
    expect(s.check('media', 'app://healthchain', { isMainFrame: true, mediaType: 'video' })).toBe(true);
  });
});

describe('the kiosk camera policy leaves the other guards as they were', () => {
  it('still denies screen capture, devices and downloads in the kiosk with the camera on', () => {
    const { raw } = session('kiosk', { on: true });
    let streams: unknown = 'unset';
    raw.displayMediaRequestHandler?.({}, (x: unknown) => (streams = x));
    expect(streams).toEqual({});
    expect(raw.devicePermissionHandler?.({})).toBe(false);
    const event = fakeEvent();
    raw.emit('will-download', event);
    expect(event.defaultPrevented).toBe(true);
  });
});
