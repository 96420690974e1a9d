import { chromium } from '@playwright/test';
const browser = await chromium.launch({ executablePath: '/usr/bin/chromium', args: ['--no-sandbox','--disable-gpu'] });
const page = await browser.newPage({ viewport: { width: 1280, height: 860 } });
page.on('pageerror', (e) => console.log('pageerror:', e.message));
await page.goto('http://127.0.0.1:47511/');
await page.waitForTimeout(1500);
console.log(await page.locator('body').ariaSnapshot());
await page.screenshot({ path: '/tmp/explore/c1.png' });
await browser.close();
