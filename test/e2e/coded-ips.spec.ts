// Issue #16 through the real renderer, the real main-process handlers (test bridge), the real keychain and the real
// embedded node: a doctor records an allergy with its SNOMED CT code and a medication with its RxNorm code, sees them
// on the chart header and in the chart view, and exports the chart as an International Patient Summary.
// Runs after clinical-flow.spec.ts (whose first run needs an empty keychain) and before hospital-authority.spec.ts
// (which pins a hospital): with a fresh bridge it makes its doctor on the first-run screen, after clinical-flow it
// uses that spec's signed-in doctor, and otherwise it makes one through the real vault.create.
import { readFileSync } from 'node:fs';
import { expect, test, type Page } from '@playwright/test';
import type { Bundle, Composition, Resource } from '@medplum/fhirtypes';
import { WORKSTATION_URL, screenshot } from './bridge-env';

test.describe.configure({ mode: 'serial' });

const DOCTOR = {
  name: 'Dr Mei Tanaka',
  specialty: 'Internal medicine',
  licenceNumber: 'GMC-5518204',
  password: 'a long sentence for tests',
};
const PATIENT = { name: 'Jonas Albrecht', birthDate: '1962-05-17', pin: '583021' };
const SNOMED = 'http://snomed.info/sct';
const RXNORM = 'http://www.nlm.nih.gov/research/umls/rxnorm';
const ALLERGY = { substance: 'Penicillin', code: '764146007', display: 'Penicillin', reaction: 'Hives' };
const MEDICATION = { name: 'Metformin', code: '860975', display: 'metformin 500 MG Oral Tablet' };
let page: Page;

test.beforeAll(async ({ browser }) => {
  page = await browser.newPage({ viewport: { width: 1280, height: 900 } });
  page.on('pageerror', (error) => console.error('pageerror:', error.message));
});
test.afterAll(async () => {
  await page.close();
});

const nav = () => page.getByRole('navigation', { name: 'Main' });

test('a doctor is signed in', async () => {
  await page.goto(WORKSTATION_URL);
  const firstRun = page.getByRole('heading', { name: 'Set up your identity' });
  const patients = page.getByRole('heading', { name: 'Patients', level: 1 });
  const signIn = page.getByRole('heading', { name: /Sign in|Locked/ });
  await expect(firstRun.or(patients).or(signIn)).toBeVisible({ timeout: 20_000 });
  if (await firstRun.isVisible()) {
    await page.getByRole('textbox', { name: 'Full name' }).fill(DOCTOR.name);
    await page.getByRole('textbox', { name: 'Specialty' }).fill(DOCTOR.specialty);
    await page.getByRole('textbox', { name: 'Licence number' }).fill(DOCTOR.licenceNumber);
    await page.getByRole('textbox', { name: 'Password', exact: true }).fill(DOCTOR.password);
    await page.getByRole('textbox', { name: 'Confirm password' }).fill(DOCTOR.password);
    await page.getByRole('button', { name: 'Create identity' }).click();
    await page.getByRole('button', { name: 'Start using HealthChain' }).click({ timeout: 20_000 });
  } else if (await signIn.isVisible()) {
    await page.evaluate(async (doctor) => {
      const made = await window.healthchain.vault.create(doctor);
      if (!made.ok) throw new Error(made.error.message);
    }, DOCTOR);
    await page.reload();
  }
  await expect(patients).toBeVisible({ timeout: 20_000 });
});

test('a new patient with a SNOMED CT coded allergy and an RxNorm coded medication', async () => {
  await nav().getByRole('button', { name: 'Add patient' }).click();
  await page.getByRole('textbox', { name: 'Name', exact: true }).fill(PATIENT.name);
  await page.getByRole('textbox', { name: 'Date of birth' }).fill(PATIENT.birthDate);
  await page.getByRole('combobox', { name: 'Gender' }).selectOption('male');
  await page.getByRole('tab', { name: 'Medication' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Medication' });

  await panel.getByRole('button', { name: 'Add medication' }).click();
  await panel.getByRole('textbox', { name: 'Medication (medication 1)' }).fill(MEDICATION.name);
  await panel.getByRole('textbox', { name: 'Dose (medication 1)' }).fill('500 mg');
  await panel.getByRole('textbox', { name: 'Frequency (medication 1)' }).fill('twice daily');
  await panel.getByRole('button', { name: 'Add code (medication 1)' }).click();
  // A medication's code system starts as RxNorm (the section's configuration).
  await expect(panel.getByRole('combobox', { name: 'Code system (medication 1, code 1)' })).toHaveValue(RXNORM);
  await panel.getByRole('textbox', { name: 'Code (medication 1, code 1)' }).fill(MEDICATION.code);
  await panel.getByRole('textbox', { name: 'Code display (medication 1, code 1)' }).fill(MEDICATION.display);

  await panel.getByRole('button', { name: 'Add allergy' }).click();
  await panel.getByRole('textbox', { name: 'Substance (allergy 1)' }).fill(ALLERGY.substance);
  await panel.getByRole('combobox', { name: 'Type (allergy 1)' }).selectOption('allergy');
  await panel.getByRole('combobox', { name: 'Criticality (allergy 1)' }).selectOption('high');
  await panel.getByRole('textbox', { name: 'Reaction (allergy 1)' }).fill(ALLERGY.reaction);
  await panel.getByRole('button', { name: 'Add code (allergy 1)' }).click();
  const system = panel.getByRole('combobox', { name: 'Code system (allergy 1, code 1)' });
  await expect(system).toHaveValue(SNOMED);
  // "Other" without its URI is refused at the field, and nothing is written.
  await system.selectOption({ label: 'Other (give its URI)' });
  await panel.getByRole('textbox', { name: 'Code (allergy 1, code 1)' }).fill(ALLERGY.code);
  await page.getByRole('textbox', { name: 'PIN', exact: true }).fill(PATIENT.pin);
  await page.getByRole('textbox', { name: 'Confirm PIN' }).fill(PATIENT.pin);
  await page.getByRole('button', { name: 'Create chart' }).click();
  const uri = panel.getByRole('textbox', { name: 'Code system URI (allergy 1, code 1)' });
  await expect(uri).toHaveAttribute('aria-invalid', 'true');
  await expect(panel.getByText('Choose the code system, or give its URI')).toBeVisible();
  await panel.getByRole('group', { name: 'Codes (allergy 1)' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot('ips-01-code-needs-system') });

  await system.selectOption({ label: 'SNOMED CT' });
  await panel.getByRole('textbox', { name: 'Code display (allergy 1, code 1)' }).fill(ALLERGY.display);
  await expect(panel.getByText('Choose the code system, or give its URI')).toHaveCount(0);
  await panel.getByRole('group', { name: 'Codes (allergy 1)' }).scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot('ips-02-coded-entries') });
  await page.getByRole('button', { name: 'Create chart' }).click();
  await expect(page.getByRole('heading', { name: `Access card for ${PATIENT.name}` })).toBeVisible({ timeout: 30_000 });
  await page.getByRole('button', { name: 'Done — open the chart' }).click();
});

test('the header shows the allergy, the view shows the codes with their systems', async () => {
  await expect(page.getByRole('heading', { name: PATIENT.name, level: 1 })).toBeVisible({ timeout: 20_000 });
  await expect(page.getByLabel('Patient facts')).toContainText(
    `${ALLERGY.substance} — high criticality — ${ALLERGY.reaction}`,
  );
  await page.getByRole('tablist', { name: 'Chart sections' }).getByRole('tab', { name: 'Medication' }).click();
  const panel = page.getByRole('tabpanel', { name: 'Medication' });
  await expect(panel).toContainText(`RxNorm ${MEDICATION.code} (${MEDICATION.display})`);
  await expect(panel).toContainText(`SNOMED CT ${ALLERGY.code} (${ALLERGY.display})`);
  await page.screenshot({ path: screenshot('ips-03-chart') });
});

test('the chart is exported as an IPS document holding both codes', async () => {
  const exportPanel = page.getByRole('region', { name: 'Export' });
  await exportPanel.getByRole('button', { name: 'Export patient summary (IPS)' }).click();
  const status = exportPanel.getByRole('status');
  await expect(status).toContainText('Patient summary (IPS) saved to', { timeout: 20_000 });
  await exportPanel.scrollIntoViewIfNeeded();
  await page.screenshot({ path: screenshot('ips-04-exported') });

  // The bridge's save dialog stand-in wrote the file main built; it is read back here as another system would.
  const file = ((await status.textContent()) ?? '').replace(/^.*saved to /, '').trim();
  expect(file).toMatch(/\.ips\.json$/);
  const bundle = JSON.parse(readFileSync(file, 'utf8')) as Bundle;
  expect(bundle.type).toBe('document');
  const resources = (bundle.entry ?? []).map((e) => e.resource as Resource);
  const composition = resources[0] as Composition;
  expect(composition.resourceType).toBe('Composition');
  expect(composition.type.coding?.[0]).toMatchObject({ system: 'http://loinc.org', code: '60591-5' });
  const allergy = resources.find((r) => r.resourceType === 'AllergyIntolerance');
  const medication = resources.find((r) => r.resourceType === 'MedicationStatement');
  expect(allergy).toMatchObject({
    code: { text: ALLERGY.substance, coding: [{ system: SNOMED, code: ALLERGY.code, display: ALLERGY.display }] },
    criticality: 'high',
  });
  expect(medication).toMatchObject({
    medicationCodeableConcept: {
      text: MEDICATION.name,
      coding: [{ system: RXNORM, code: MEDICATION.code, display: MEDICATION.display }],
    },
  });
  // Each of them sits in its IPS section (allergies 48765-2, medications 10160-0) of the Composition.
  const sectionOf = (loinc: string) =>
    composition.section?.find((s) => s.code?.coding?.some((c) => c.code === loinc))?.entry?.map((e) => e.reference);
  expect(sectionOf('48765-2')).toContain(`AllergyIntolerance/${allergy!.id}`);
  expect(sectionOf('10160-0')).toContain(`MedicationStatement/${medication!.id}`);
});
