// Issue #13 through the real renderer, the real main-process handlers (test bridge), the real keychain and the real
// embedded node, with the emergency service as its own process beside it (started here: the bridge does not run it).
// Set-up goes through the real IPC handlers from the page (hospital, two doctors, credentials, a chart); then a doctor
// who is not among the chart's readers breaks the glass from the patient list with the patient's access card, waits
// for the service, reads the chart under the emergency banner, and the patient sees the access on the kiosk's Access
// tab.
import { spawn, type ChildProcess } from 'node:child_process';
import { expect, test, type Page } from '@playwright/test';
import { KIOSK_URL, WORKSTATION_URL, ledgerNode, pinKioskAuthority, screenshot, unpinAuthority } from './bridge-env';
import { sampleChart } from '../fixtures/sample-chart';

test.describe.configure({ mode: 'serial' });

// The same officer password as hospital-authority.spec.ts, so either spec may set the hospital up first.
const OFFICER_PASSWORD = 'officer sentence for the ledger';
const CUSTODIAN = { name: 'Dr Cora Lindqvist', specialty: 'General practice', password: 'custodian sentence here' };
const ER = { name: 'Dr Emil Ruiz', specialty: 'Emergency medicine', password: 'emergency sentence here' };
const PIN = '314159';
// The one-machine set-up keeps this machine's emergency key in this keychain service (src-main/emergency).
const EMERGENCY_KEYCHAIN = 'HealthChain Emergency';

let page: Page;
let service: ChildProcess | null = null;
let card = '';
let chartId = '';

type Api = Window['healthchain'];
type Ok<T> = T extends Promise<infer R> ? (R extends { ok: true; value: infer V } ? V : never) : never;

async function ipc<K extends keyof Api, M extends keyof Api[K]>(
  ns: K,
  method: M,
  request: unknown,
): Promise<Ok<ReturnType<Api[K][M] extends (...args: never[]) => unknown ? Api[K][M] : never>>> {
  return page.evaluate(
    async ([n, m, r]) => {
      const fn = (window.healthchain as unknown as Record<string, Record<string, (x: unknown) => Promise<unknown>>>)[
        n
      ]![m]!;
      const result = (await fn(r)) as { ok: boolean; value?: unknown; error?: { message: string } };
      if (!result.ok) throw new Error(`${n}.${m}: ${result.error!.message}`);
      return result.value;
    },
    [ns as string, method as string, request] as const,
  ) as never;
}

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error('pageerror:', error.message));
});

test.afterAll(async () => {
  service?.kill('SIGTERM');
  // The specs after this one (the hospital set-up story, the kiosk's) start from a machine with no hospital pinned.
  await unpinAuthority();
  await page.close();
});

test('set-up: a hospital, two credentialed doctors, a chart the emergency doctor cannot read', async () => {
  test.setTimeout(180_000);
  await page.goto(WORKSTATION_URL);
  await page.waitForFunction(() => Boolean(window.healthchain));
  const er = (await ipc('vault', 'create', { ...ER, licenceNumber: 'GMC-7300001' })).identity;
  const custodian = (await ipc('vault', 'create', { ...CUSTODIAN, licenceNumber: 'GMC-7300002' })).identity;
  let status = await ipc('hospital', 'status', {});
  if (!status.authorityId)
    status = await ipc('hospital', 'setUp', {
      hospitalName: 'St Elsewhere General',
      officerName: 'Hospital IT desk',
      password: OFFICER_PASSWORD,
    });
  await pinKioskAuthority(status.authorityId!);
  const validUntil = new Date(Date.now() + 365 * 86_400_000).toISOString().slice(0, 10);
  for (const [who, licence] of [
    [custodian, 'GMC-7300002'],
    [er, 'GMC-7300001'],
  ] as const) {
    await ipc('credentials', 'issue', {
      name: who.name,
      licence,
      specialty: who.specialty,
      signKey: who.signKey,
      boxKey: who.boxKey,
      validUntil,
      password: OFFICER_PASSWORD,
    });
  }

  // The emergency service, as a hospital runs it, against the embedded node (its own URL and token).
  const { nodeUrl, token } = await ledgerNode();
  service = spawn(
    'node_modules/.bin/tsx',
    [
      'src-main/emergency/cli.ts',
      '--node',
      nodeUrl,
      '--authority',
      status.authorityId!,
      '--keychain-service',
      EMERGENCY_KEYCHAIN,
      '--poll-ms',
      '200',
    ],
    { env: { ...process.env, HC_LEDGER_TOKEN: token }, stdio: ['ignore', 'inherit', 'inherit'] },
  );

  // The custodian writes the chart (signed in by vault.create); once the key is published, versions wrap for it.
  const chart = sampleChart('Rosa Marsh');
  chart.patient = { ...chart.patient, given: 'Rosa', family: 'Marsh', birthDate: '1961-02-03' };
  const created = await ipc('charts', 'create', { chart, pin: PIN });
  card = created.card.code;
  chartId = created.chart.summary.chartId;
  expect(card).not.toBe('');
});

test('the emergency doctor asks with the access card, waits, and reads the chart under the banner', async () => {
  test.setTimeout(120_000);
  await ipc('vault', 'unlock', {
    id: (await ipc('vault', 'list', {})).identities.find((i) => i.name === ER.name)!.id,
    password: ER.password,
  });
  await page.reload();
  await expect(page.getByRole('heading', { name: 'Patients', level: 1 })).toBeVisible({ timeout: 20_000 });
  await page.getByRole('button', { name: 'Emergency access' }).click();
  await page.getByRole('textbox', { name: 'Access card code' }).fill(card);
  await page.getByLabel('Reason').selectOption('unconscious');
  await page.getByLabel('Details').fill('Brought in unconscious after a fall');
  await page.getByRole('checkbox').check();
  await page.screenshot({ path: screenshot('emergency-01-request'), fullPage: true });
  await page.getByRole('button', { name: 'Request emergency access' }).click();
  await expect(page.getByText('Emergency access granted')).toBeVisible({ timeout: 60_000 });
  await page.getByRole('button', { name: 'Open the chart' }).click();
  const banner = page.getByRole('alert', { name: 'Emergency access' });
  await expect(banner).toBeVisible({ timeout: 30_000 });
  await expect(banner).toContainText('Patient unconscious');
  await expect(page.getByRole('heading', { name: 'Rosa Marsh' })).toBeVisible();
  await expect(page.getByRole('button', { name: 'Edit chart' })).toHaveCount(0);
  await page.getByRole('button', { name: 'Access history' }).click();
  await expect(page.getByRole('listitem').filter({ hasText: 'Emergency access: you until' })).toBeVisible({
    timeout: 20_000,
  });
  await page.screenshot({ path: screenshot('emergency-02-banner'), fullPage: true });
  expect(chartId).toMatch(/^[0-9a-f]{64}$/);
});

test("the patient sees the emergency access on the kiosk's Access tab, with the reason", async ({ browser }) => {
  test.setTimeout(120_000);
  const kiosk = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  try {
    await kiosk.goto(KIOSK_URL);
    await expect(kiosk.getByRole('heading', { name: 'See your medical record' })).toBeVisible({ timeout: 30_000 });
    await kiosk.getByRole('textbox', { name: 'Access card code' }).fill(card);
    await kiosk.getByRole('textbox', { name: 'PIN' }).fill(PIN);
    await kiosk.getByRole('button', { name: 'Open my record' }).click();
    await expect(kiosk.getByRole('tablist', { name: 'Your record' })).toBeVisible({ timeout: 60_000 });
    await kiosk.getByRole('tab', { name: 'Access' }).click({ timeout: 30_000 });
    const panel = kiosk.getByRole('tabpanel', { name: 'Access' });
    await expect(panel.getByRole('listitem').filter({ hasText: `Emergency access: ${ER.name} until` })).toBeVisible({
      timeout: 30_000,
    });
    await expect(panel.getByText('Reason given: Brought in unconscious after a fall')).toBeVisible();
    await kiosk.screenshot({ path: screenshot('emergency-03-kiosk-access'), fullPage: true });
  } finally {
    await kiosk.close();
  }
});

test("the privacy officer's review lists the access with its opened reason", async () => {
  test.setTimeout(120_000);
  await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Hospital' }).click();
  const review = page.getByLabel('Emergency access review');
  await expect(review).toBeVisible({ timeout: 30_000 });
  const yesterday = new Date(Date.now() - 86_400_000).toISOString().slice(0, 10);
  await review.getByLabel('Since').fill(yesterday);
  await review.getByLabel('Officer password (to open reasons)').fill(OFFICER_PASSWORD);
  await review.getByRole('button', { name: 'Show' }).click();
  const row = review.getByRole('table', { name: 'Emergency accesses' }).getByRole('row').filter({ hasText: ER.name });
  await expect(row).toBeVisible({ timeout: 60_000 });
  await expect(row).toContainText('Brought in unconscious after a fall');
  await page.screenshot({ path: screenshot('emergency-04-officer-review'), fullPage: true });
});
