import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://127.0.0.1:47511/');
await page.getByRole('navigation', { name: 'Main' }).getByRole('button', { name: 'Add patient' }).click();
await page.getByRole('textbox', { name: 'Name', exact: true }).fill('Maria Lopez');
await page.getByRole('textbox', { name: 'Date of birth' }).fill('1984-03-12');
await page.getByRole('combobox', { name: 'Gender' }).selectOption('female');
for (const tab of ['Doctors', 'Illness', 'Medication', 'Visits']) {
  await page.getByRole('tab', { name: tab }).click();
  await page.waitForTimeout(200);
  console.log('=== ' + tab);
  console.log(await page.getByRole('tabpanel').ariaSnapshot());
}
await browser.close();
