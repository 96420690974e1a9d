// The whole clinical story through the real renderer, the real main-process handlers (test bridge), the real vault
// on gnome-keyring and the real embedded ledger node: a doctor's first run, a new patient and the access card, an
// edit and its diff, verification, the patient at the kiosk (right and wrong PIN, idle sign-out), a tampered node
// answer, and a revoke.
import { expect, test, type Page } from '@playwright/test';
import { KIOSK_URL, WORKSTATION_URL, screenshot, setTampering } from './bridge-env';

test.describe.configure({ mode: 'serial' });

const DOCTOR = {
  name: 'Dr Grace Hopper',
  specialty: 'General practice',
  licence: 'GMC-7654321',
  password: 'a long sentence for tests',
};
const PATIENT = { name: 'Maria Lopez', birthDate: '1984-03-12', pin: '480913' };
let page: Page;
let cardCode = '';
// Everything the page reports against its CSP (zod probing for eval, an inline style…), checked by the last test.
const cspViolations: string[] = [];

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  page.on('pageerror', (error) => console.error('pageerror:', error.message));
  page.on('console', (message) => {
    if (/Content Security Policy|unsafe-eval/i.test(message.text())) cspViolations.push(message.text());
  });
  await page.addInitScript(() => {
    document.addEventListener('securitypolicyviolation', (e) =>
      console.error(
        `Content Security Policy violation: ${e.violatedDirective} ${e.blockedURI} at ${e.sourceFile}:${e.lineNumber}:${e.columnNumber}`,
      ),
    );
  });
});
test.afterAll(async () => {
  await page.close();
});

const nav = () => page.getByRole('navigation', { name: 'Main' });
const status = () => page.getByRole('contentinfo', { name: 'Status' });

test('first run: create a doctor identity and use the embedded node', async () => {
  await page.goto(WORKSTATION_URL);
  await expect(page.getByRole('heading', { name: 'Set up your identity' })).toBeVisible();
  await page.screenshot({ path: screenshot('01-first-run') });

  // Inline validation before anything is sent.
  await page.getByRole('textbox', { name: 'Full name' }).fill(DOCTOR.name);
  await page.getByRole('textbox', { name: 'Specialty' }).fill(DOCTOR.specialty);
  await page.getByRole('textbox', { name: 'Licence number' }).fill(DOCTOR.licence);
  await page.getByRole('textbox', { name: 'Password', exact: true }).fill(DOCTOR.password);
  await page.getByRole('textbox', { name: 'Confirm password' }).fill(DOCTOR.password);
  await page.getByRole('button', { name: 'Create identity' }).click();

  await expect(page.getByRole('heading', { name: 'Choose the ledger node' })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('radio', { name: 'Use the embedded node on this computer' })).toBeChecked();
  await page.getByRole('button', { name: 'Test connection' }).click();
  await expect(page.getByRole('list', { name: 'Connection test results' })).toContainText(/reachable/i);
  await page.screenshot({ path: screenshot('02-choose-node') });
  await page.getByRole('button', { name: 'Start using HealthChain' }).click();

  await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible();
  await expect(page.getByRole('banner')).toContainText(DOCTOR.name);
  await expect(status()).toContainText(/Embedded node/);
  await expect(status()).toContainText(/Reachable/);
});

test('add a patient: the access card is shown once', async () => {
  await nav().getByRole('button', { name: 'Add patient' }).click();
  await expect(page.getByRole('heading', { name: 'New patient' })).toBeVisible();

  // Creating an empty chart is refused with field errors, nothing is written.
  await page.getByRole('button', { name: 'Create chart' }).click();
  await expect(page.getByText('Name is required').first()).toBeVisible();

  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(PATIENT.name);
  await page.getByRole('textbox', { name: 'Date of birth' }).fill(PATIENT.birthDate);
  await page.getByRole('combobox', { name: 'Gender' }).selectOption('female');
  await page.getByRole('tab', { name: 'Illness' }).click();
  await page.getByRole('button', { name: 'Add illness' }).click();
  await page.getByRole('textbox', { name: 'Condition (illness 1)' }).fill('Type 2 diabetes');
  await page.getByRole('textbox', { name: 'Symptoms (illness 1)' }).fill('Thirst, fatigue');
  await page.getByRole('tab', { name: 'Medication' }).click();
  await page.getByRole('button', { name: 'Add medication' }).click();
  await page.getByRole('textbox', { name: 'Medication (medication 1)' }).fill('Metformin');
  await page.getByRole('textbox', { name: 'Dose (medication 1)' }).fill('500 mg');
  await page.getByRole('textbox', { name: 'Frequency (medication 1)' }).fill('twice daily');
  await page.getByRole('textbox', { name: 'PIN', exact: true }).fill(PATIENT.pin);
  await page.getByRole('textbox', { name: 'Confirm PIN' }).fill(PATIENT.pin);
  await page.screenshot({ path: screenshot('03-new-patient'), fullPage: true });
  await page.getByRole('button', { name: 'Create chart' }).click();

  await expect(page.getByRole('heading', { name: `Access card for ${PATIENT.name}` })).toBeVisible({ timeout: 30_000 });
  const card = page.getByRole('article', { name: 'Access card' });
  cardCode = (await card.getByLabel('Access code').textContent())?.trim() ?? '';
  expect(cardCode).toMatch(/^[0-9A-Z]{4}(-[0-9A-Z]{4})+(-[0-9A-Z]{2})?$/); // 54 symbols since issue #12
  await expect(card.getByRole('img', { name: 'QR code of the access code' })).toBeVisible();
  await page.screenshot({ path: screenshot('04-access-card') });
});

test('the chart: four tabs and visits, verified', async () => {
  await page.getByRole('button', { name: 'Done — open the chart' }).click();
  await expect(page.getByRole('heading', { name: PATIENT.name, level: 1 })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByRole('main')).toContainText('Verified');
  const tabs = page.getByRole('tablist', { name: 'Chart sections' });
  for (const name of ['General information', 'Doctors', 'Illness', 'Medication', 'Visits']) {
    await expect(tabs.getByRole('tab', { name })).toBeVisible();
  }
  await expect(page.getByRole('tabpanel', { name: 'General information' })).toContainText(PATIENT.birthDate);
  await tabs.getByRole('tab', { name: 'Medication' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Medication' })).toContainText('Metformin');
  await tabs.getByRole('tab', { name: 'General information' }).click();
  await page.screenshot({ path: screenshot('05-chart') });
});

test('edit: a new version, and the history shows the diff', async () => {
  await page.getByRole('button', { name: 'Edit chart' }).click();
  await expect(page.getByRole('heading', { name: `Editing: ${PATIENT.name}` })).toBeVisible();
  await page.getByRole('tab', { name: 'Medication' }).click();
  await page.getByRole('textbox', { name: 'Dose (medication 1)' }).fill('1000 mg');
  await page.getByRole('button', { name: 'Save changes' }).click();

  await expect(page.getByRole('heading', { name: PATIENT.name, level: 1 })).toBeVisible({ timeout: 30_000 });
  await expect(page.getByRole('main')).toContainText('Version 2');
  await page.getByRole('button', { name: 'History', exact: true }).click();
  const history = page.getByRole('region', { name: 'History', exact: true });
  const v2 = history.getByRole('listitem', { name: 'Version 2' });
  await expect(v2).toBeVisible({ timeout: 20_000 });
  const diff = v2.getByRole('table', { name: 'Changes in version 2' });
  await expect(diff).toContainText('Dose');
  await expect(diff).toContainText('500 mg');
  await expect(diff).toContainText('1000 mg');
  await expect(history.getByRole('listitem', { name: 'Version 1' })).toBeVisible();
  await history.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot('06-history'), fullPage: true });
});

test('verify panel: transaction id, signatures, version chain, link to the node', async () => {
  const panel = page.getByRole('region', { name: 'Verification' });
  await panel.getByRole('button', { name: 'Verify' }).click();
  await expect(panel.getByRole('status')).toContainText(/verified|valid|passed/i, { timeout: 20_000 });
  const checks = panel.getByRole('list', { name: 'Checks' });
  await expect(checks.getByRole('listitem')).not.toHaveCount(0);
  await expect(checks.getByRole('img', { name: 'failed' })).toHaveCount(0);
  await expect(panel.getByRole('list', { name: 'Signatures' })).toContainText(DOCTOR.name);
  await expect(panel.getByRole('list', { name: 'Version chain' }).getByRole('listitem')).toHaveCount(2);
  await expect(panel.getByRole('button', { name: /node/i })).toBeVisible();
  await panel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot('07-verify'), fullPage: true });

  // An earlier version can still be read, exactly as it was signed.
  await page
    .getByRole('region', { name: 'History', exact: true })
    .getByRole('button', { name: 'View version 1' })
    .click();
  await page.getByRole('tab', { name: 'Medication' }).click();
  await expect(page.getByRole('tabpanel', { name: 'Medication' })).toContainText('500 mg');
  await expect(page.getByRole('tabpanel', { name: 'Medication' })).not.toContainText('1000 mg');
});

test.describe('the patient at the kiosk', () => {
  let kiosk: Page;
  test.beforeAll(async ({ browser }) => {
    kiosk = await browser.newPage({ viewport: { width: 1280, height: 860 } });
  });
  test.afterAll(async () => {
    await kiosk.close();
  });

  test('a wrong PIN is refused with a clear message', async () => {
    await kiosk.goto(KIOSK_URL);
    await expect(kiosk.getByRole('heading', { name: 'See your medical record' })).toBeVisible();
    await kiosk.screenshot({ path: screenshot('08-kiosk-sign-in') });
    await kiosk.getByRole('textbox', { name: 'Access card code' }).fill(cardCode);
    await kiosk.getByRole('textbox', { name: 'PIN' }).fill('111222');
    await kiosk.getByRole('button', { name: /open/i }).click();
    await expect(kiosk.getByRole('alert')).toContainText(/PIN/i, { timeout: 30_000 });
    await expect(kiosk.getByRole('heading', { name: 'Your medical record', exact: true })).toHaveCount(0);
  });

  test('a mistyped code is caught before any key derivation', async () => {
    const typo = cardCode.slice(0, 5) + (cardCode[5] === 'X' ? 'Y' : 'X') + cardCode.slice(6);
    const codeBox = kiosk.getByRole('textbox', { name: 'Access card code' });
    await codeBox.fill(typo);
    await kiosk.getByRole('textbox', { name: 'PIN' }).fill(PATIENT.pin);
    await expect(codeBox).toHaveAttribute('aria-invalid', 'true');
    await expect(codeBox).toHaveAccessibleDescription(/.+/);
    // And main refuses it too (checksum), with a typed error, if a client skipped the check.
    const answer = await kiosk.evaluate((code) => window.healthchain.patient.openCard({ code, pin: '480913' }), typo);
    expect(answer.ok ? 'ok' : answer.error.code).toBe('INVALID_CARD');
    await expect(kiosk.getByRole('heading', { name: 'Your medical record', exact: true })).toHaveCount(0);
  });

  test('card code and PIN open the four tabs and Visits, read-only', async () => {
    await kiosk.getByRole('textbox', { name: 'Access card code' }).fill(cardCode);
    await kiosk.getByRole('textbox', { name: 'PIN' }).fill(PATIENT.pin);
    await kiosk.getByRole('button', { name: /open/i }).click();
    await expect(kiosk.getByRole('heading', { name: 'Your medical record', exact: true })).toBeVisible({
      timeout: 30_000,
    });
    const tabs = kiosk.getByRole('tablist');
    for (const name of ['General information', 'Doctors', 'Illness', 'Medication', 'Visits']) {
      await expect(tabs.getByRole('tab', { name })).toBeVisible();
    }
    await expect(kiosk.getByRole('tabpanel')).toContainText(PATIENT.name);
    await tabs.getByRole('tab', { name: 'Medication' }).click();
    await expect(kiosk.getByRole('tabpanel')).toContainText('1000 mg');
    // Read-only: no editing control anywhere, and the write channels do not exist in this build.
    await expect(kiosk.getByRole('button', { name: /edit|save|revoke|share/i })).toHaveCount(0);
    const write = await kiosk.evaluate(() => window.healthchain.charts.revoke({ chartId: 'a'.repeat(64) }));
    expect(write.ok ? 'ok' : write.error.code).toBe('UNKNOWN_CHANNEL');
    await tabs.getByRole('tab', { name: 'General information' }).click();
    await kiosk.screenshot({ path: screenshot('09-kiosk-record') });
  });

  test('inactivity signs the patient out and clears the record', async () => {
    // The bridge runs the kiosk with kioskIdleSeconds = 15, the shortest the settings allow.
    await expect(kiosk.getByRole('alertdialog', { name: 'Are you still there?' })).toBeVisible({ timeout: 30_000 });
    await kiosk.screenshot({ path: screenshot('10-kiosk-idle-warning') });
    await expect(kiosk.getByRole('heading', { name: 'See your medical record' })).toBeVisible({ timeout: 30_000 });
    await expect(kiosk.getByText(PATIENT.name)).toHaveCount(0);
    const chart = await kiosk.evaluate(() => window.healthchain.patient.getChart());
    expect(chart.ok ? 'ok' : chart.error.code).toBe('LOCKED');
  });
});

test('a tampered node answer is shown as tampering, never as data', async () => {
  const before = await setTampering(true);
  expect(before.tampering).toBe(true);
  try {
    // Opening a chart always re-fetches and re-verifies every version.
    await page.getByRole('button', { name: 'All patients' }).click();
    await page.getByRole('button', { name: PATIENT.name }).click();
    await expect(page.getByRole('main')).toContainText(/Tampered: this chart failed verification/i, {
      timeout: 30_000,
    });
    await expect(page.getByRole('main')).toContainText('InvalidHash');
    await expect(page.getByRole('tabpanel')).toHaveCount(0);
    await expect(page.getByRole('main')).not.toContainText('Metformin');
    await page.screenshot({ path: screenshot('11-tampered') });
    // The list now shows the chart as tampered too, without the patient's name.
    await page.getByRole('button', { name: 'All patients' }).click();
    await page.getByRole('button', { name: 'Refresh' }).click();
    const row = page.getByRole('table', { name: 'Patients' }).getByRole('row').nth(1);
    await expect(row).toContainText(/tampered/i, { timeout: 30_000 });
    await expect(row).not.toContainText(PATIENT.name);
    expect((await setTampering(true)).altered).toBeGreaterThan(0);
  } finally {
    await setTampering(false);
  }
});

test('revoke: the chart is kept, shown as revoked', async () => {
  // With honest answers again, the chart verifies again.
  await page.getByRole('table', { name: 'Patients' }).getByRole('row').nth(1).getByRole('button').first().click();
  await expect(page.getByRole('main')).toContainText('Verified', { timeout: 30_000 });
  await page.getByRole('button', { name: 'Revoke chart' }).click();
  const dialog = page.getByRole('dialog');
  await dialog.getByRole('textbox', { name: 'Reason (optional)' }).fill('Duplicate chart');
  await page.screenshot({ path: screenshot('12-revoke') });
  await dialog.getByRole('button', { name: /revoke/i }).click();
  await expect(page.getByRole('main')).toContainText('Revoked', { timeout: 30_000 });
  await expect(page.getByRole('main')).toContainText('Version 3');
  await page.getByRole('button', { name: 'All patients' }).click();
  await page.getByRole('radio', { name: /Revoked \(1\)/ }).check();
  await expect(page.getByRole('table', { name: 'Patients' })).toContainText(PATIENT.name);
  await page.screenshot({ path: screenshot('13-patients') });
});

test('the whole story ran without one Content Security Policy violation', () => {
  expect(cspViolations).toEqual([]);
});
