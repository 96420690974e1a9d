// The patient signs in at the kiosk with the access card's QR code: read by a hand-held scanner (which types it), or
// shown to the kiosk's camera. A real card is made through the workstation's real services (test bridge); Chromium's
// fake camera plays a video of that card's QR code, written here from the same QR encoder the app prints cards with.
// Camera refused and a QR code that is not a card are shown with their own messages, and the typed code still works.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { expect, test, type Browser, type LaunchOptions, type Page } from '@playwright/test';
import { cardQrText } from '../../src-shared/crypto/card';
import { sampleChart } from '../fixtures/sample-chart';
import { KIOSK_URL, WORKSTATION_URL, screenshot } from './bridge-env';
import { writeQrVideo } from './fake-camera';

test.describe.configure({ mode: 'serial' });

const DOCTOR = {
  name: 'Dr Ada Camera',
  specialty: 'General practice',
  licenceNumber: 'GMC-CAM-0001',
  password: 'another long sentence for tests',
};
const PATIENT = { name: 'Noor Haddad', pin: '583017' };
let cardCode = '';
let videos = '';

/**
 * A real card: charts.create through the workstation's real handlers. The doctor of an earlier spec is used while
 * unlocked (clinical-flow.spec.ts, which runs first, needs the keychain empty for its first run); otherwise this spec
 * creates its own doctor.
 */
async function createCard(page: Page): Promise<string> {
  await page.goto(WORKSTATION_URL);
  return page.evaluate(
    async ({ doctor, chart, pin }) => {
      const api = window.healthchain;
      const session = await api.vault.session();
      if (!session.ok) throw new Error(session.error.message);
      if (!session.value.identity) {
        const created = await api.vault.create(doctor);
        if (!created.ok) throw new Error(created.error.message);
      }
      const made = await api.charts.create({ chart, pin });
      if (!made.ok) throw new Error(made.error.message);
      return made.value.card.code;
    },
    { doctor: DOCTOR, chart: sampleChart(PATIENT.name), pin: PATIENT.pin },
  );
}

test.beforeAll(async ({ browser }) => {
  test.setTimeout(120_000);
  const page = await browser.newPage();
  try {
    cardCode = await createCard(page);
  } finally {
    await page.close();
  }
  // Cards name their chart since issue #12: 54 symbols (13 groups of four and one of two).
  expect(cardCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4}){12}-[0-9A-Z]{2}$/);
  videos = await mkdtemp(path.join(tmpdir(), 'hc-e2e-camera-'));
});
test.afterAll(async () => {
  if (videos) await rm(videos, { recursive: true, force: true });
});

/** A Chromium of its own: the fake camera is chosen when the browser starts. */
async function kioskWith(
  browser: Browser,
  launchOptions: LaunchOptions,
  cameraArgs: string[],
): Promise<{ kiosk: Page; close: () => Promise<void> }> {
  const own = await browser
    .browserType()
    .launch({ ...launchOptions, args: [...(launchOptions.args ?? []), ...cameraArgs] });
  const kiosk = await own.newPage({ viewport: { width: 1280, height: 860 } });
  kiosk.on('pageerror', (error) => console.error('pageerror:', error.message));
  await kiosk.goto(KIOSK_URL);
  await expect(kiosk.getByRole('heading', { name: 'See your medical record' })).toBeVisible();
  return { kiosk, close: () => own.close() };
}

async function cameraPlaying(file: string, text: string | null): Promise<string[]> {
  await writeQrVideo(file, text);
  return [
    '--use-fake-device-for-media-stream',
    '--use-fake-ui-for-media-stream',
    `--use-file-for-fake-video-capture=${file}`,
  ];
}

async function openRecordAndSignOut(kiosk: Page): Promise<void> {
  await expect(kiosk.getByRole('heading', { name: 'Your medical record', exact: true })).toBeVisible({
    timeout: 30_000,
  });
  await expect(kiosk.getByRole('tabpanel')).toContainText(PATIENT.name);
  await kiosk.getByRole('button', { name: 'Sign out' }).click();
  await expect(kiosk.getByRole('heading', { name: 'See your medical record' })).toBeVisible();
}

test('a hand-held scanner types the QR code and Enter; the patient goes on with the PIN', async ({ page }) => {
  await page.goto(KIOSK_URL);
  const code = page.getByRole('textbox', { name: 'Access card code' });
  await expect(code).toBeFocused();
  // A keyboard-wedge scanner: the QR code's text, key by key, then Enter.
  await page.keyboard.type(cardQrText(cardCode));
  await page.keyboard.press('Enter');
  await expect(page.getByRole('textbox', { name: 'PIN' })).toBeFocused();
  await expect(code).toHaveValue(cardCode);
  await expect(code).toHaveAccessibleDescription(`Code recognised: ${cardCode}`);
  await page.keyboard.type(PATIENT.pin);
  await page.keyboard.press('Enter');
  await openRecordAndSignOut(page);
});

test('the patient signs in by showing the card to the camera', async ({ browser, launchOptions }) => {
  const { kiosk, close } = await kioskWith(
    browser,
    launchOptions,
    await cameraPlaying(path.join(videos, 'card.y4m'), cardQrText(cardCode)),
  );
  try {
    await kiosk.getByRole('button', { name: 'Scan my card' }).click();
    const code = kiosk.getByRole('textbox', { name: 'Access card code' });
    await expect(code).toHaveValue(cardCode, { timeout: 20_000 });
    // The camera is off the moment the card is read: no preview, no live track left on the page.
    await expect(kiosk.getByLabel('Camera preview')).toHaveCount(0);
    expect(await kiosk.evaluate(() => document.querySelectorAll('video').length)).toBe(0);
    await expect(kiosk.getByRole('textbox', { name: 'PIN' })).toBeFocused();
    await kiosk.keyboard.type(PATIENT.pin);
    await kiosk.getByRole('button', { name: 'Open my record' }).click();
    await openRecordAndSignOut(kiosk);
  } finally {
    await close();
  }
});

test('the scanning screen: a live preview until a QR code shows; Cancel goes back to typing', async ({
  browser,
  launchOptions,
}) => {
  const { kiosk, close } = await kioskWith(
    browser,
    launchOptions,
    await cameraPlaying(path.join(videos, 'no-qr.y4m'), null),
  );
  try {
    await kiosk.getByRole('button', { name: 'Scan my card' }).click();
    const scanner = kiosk.getByRole('region', { name: 'Scan your card' });
    await expect(scanner.getByRole('status')).toHaveText('Hold the QR code on your card in front of the camera.');
    // The video really plays: frames arrive from the fake camera.
    await expect.poll(() => kiosk.evaluate(() => document.querySelector('video')?.videoWidth ?? 0)).toBeGreaterThan(0);
    await kiosk.screenshot({ path: screenshot('14-kiosk-camera') });

    await scanner.getByRole('button', { name: 'Cancel' }).click();
    await expect(kiosk.getByLabel('Camera preview')).toHaveCount(0);
    const code = kiosk.getByRole('textbox', { name: 'Access card code' });
    await expect(code).toBeFocused();
    await expect(code).toHaveValue('');
    await code.fill(cardCode);
    await expect(code).toHaveAccessibleDescription(`Code recognised: ${cardCode}`);
  } finally {
    await close();
  }
});

test('a QR code that is not a card is named as such, and nothing is filled in', async ({ browser, launchOptions }) => {
  const ticket = 'https://parking.hospital.example/ticket/4711';
  const { kiosk, close } = await kioskWith(
    browser,
    launchOptions,
    await cameraPlaying(path.join(videos, 'ticket.y4m'), ticket),
  );
  try {
    await kiosk.getByRole('button', { name: 'Scan my card' }).click();
    const scanner = kiosk.getByRole('region', { name: 'Scan your card' });
    await expect(scanner.getByRole('alert')).toHaveText(
      'This QR code is not a HealthChain access card. Show the QR code printed on your card.',
      { timeout: 20_000 },
    );
    await expect(scanner.getByLabel('Camera preview')).toBeVisible();
    await scanner.getByRole('button', { name: 'Cancel' }).click();
    await expect(kiosk.getByRole('textbox', { name: 'Access card code' })).toHaveValue('');
  } finally {
    await close();
  }
});

test('camera refused: a clear message, and the typed code still signs the patient in', async ({
  browser,
  launchOptions,
}) => {
  // A camera exists, but nobody may use it (Chromium answers NotAllowedError, as Electron does when main refuses).
  const { kiosk, close } = await kioskWith(browser, launchOptions, [
    '--use-fake-device-for-media-stream',
    '--deny-permission-prompts',
  ]);
  try {
    await kiosk.getByRole('button', { name: 'Scan my card' }).click();
    const alert = kiosk.getByRole('region', { name: 'Scan your card' }).getByRole('alert');
    await expect(alert).toContainText('The camera is not allowed');
    await expect(alert).toContainText('You can still type the code printed on your card.');
    await kiosk.getByRole('button', { name: 'Type the code instead' }).click();
    await kiosk.getByRole('textbox', { name: 'Access card code' }).fill(cardCode);
    await kiosk.getByRole('textbox', { name: 'PIN' }).fill(PATIENT.pin);
    await kiosk.getByRole('button', { name: 'Open my record' }).click();
    await openRecordAndSignOut(kiosk);
  } finally {
    await close();
  }
});
