// Where the e2e bridge listens (started by playwright.config.ts webServer) and how to drive its test-only controls.
export const WORKSTATION_URL = `http://127.0.0.1:${process.env.HC_BRIDGE_PORT ?? '17311'}/`;
export const KIOSK_URL = `http://127.0.0.1:${process.env.HC_BRIDGE_KIOSK_PORT ?? '17312'}/`;
const TOKEN = process.env.HC_BRIDGE_TOKEN ?? '';

/** Routes every ledger answer through (or around) the byte-flipping proxy. */
export async function setTampering(on: boolean): Promise<{ tampering: boolean; altered: number }> {
  const res = await fetch(new URL('/__bridge/control/tamper', WORKSTATION_URL), {
    method: 'POST',
    headers: { 'x-bridge-token': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ on }),
  });
  if (!res.ok) throw new Error(`bridge control answered ${res.status}`);
  return (await res.json()) as { tampering: boolean; altered: number };
}

/** Pins the hospital authority on the kiosk, as IT's policy pins it on a hospital's kiosks. */
export async function pinKioskAuthority(authorityId: string): Promise<void> {
  const res = await fetch(new URL('/__bridge/control/kiosk-authority', WORKSTATION_URL), {
    method: 'POST',
    headers: { 'x-bridge-token': TOKEN, 'content-type': 'application/json' },
    body: JSON.stringify({ authorityId }),
  });
  if (!res.ok) throw new Error(`bridge control answered ${res.status}`);
}

/** Unpins the hospital authority on the workstation and the kiosk (what a spec that set one up restores). */
export async function unpinAuthority(): Promise<void> {
  const res = await fetch(new URL('/__bridge/control/unpin-authority', WORKSTATION_URL), {
    method: 'POST',
    headers: { 'x-bridge-token': TOKEN },
  });
  if (!res.ok) throw new Error(`bridge control answered ${res.status}`);
}

/** The embedded node's own URL and bearer token (what the app's main process holds; no page gets it). */
export async function ledgerNode(): Promise<{ nodeUrl: string; token: string }> {
  const res = await fetch(new URL('/__bridge/control/ledger', WORKSTATION_URL), {
    headers: { 'x-bridge-token': TOKEN },
  });
  if (!res.ok) throw new Error(`bridge control answered ${res.status}`);
  return (await res.json()) as { nodeUrl: string; token: string };
}

// The README's screenshots are refreshed only on purpose (`UPDATE_SCREENSHOTS=1 npm run test:e2e`): an ordinary run
// writes them under test-results/, so running the tests never dirties the working tree.
const SCREENSHOT_DIR = process.env.UPDATE_SCREENSHOTS === '1' ? 'docs/screenshots' : 'test-results/screenshots';
export const screenshot = (name: string) => `${SCREENSHOT_DIR}/${name}.png`;
