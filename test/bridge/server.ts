// Test-only: starts the bridge in the foreground for Playwright's webServer (or by hand: `npx tsx test/bridge/server.ts`).
// Env: HC_BRIDGE_PORT (workstation, default 17311), HC_BRIDGE_KIOSK_PORT (default 17312), HC_BRIDGE_TOKEN,
// HC_BRIDGE_KIOSK_IDLE_SECONDS (default 15, the shortest the settings allow).
import { startBridge } from './bridge';

const bridge = await startBridge({
  workstationPort: Number(process.env.HC_BRIDGE_PORT ?? 17311),
  kioskPort: Number(process.env.HC_BRIDGE_KIOSK_PORT ?? 17312),
  token: process.env.HC_BRIDGE_TOKEN,
  kioskSettings: { kioskIdleSeconds: Number(process.env.HC_BRIDGE_KIOSK_IDLE_SECONDS ?? 15) },
});

let stopping = false;
const stop = () => {
  if (stopping) return;
  stopping = true;
  bridge.stop().then(
    () => process.exit(0),
    (error: unknown) => {
      console.error('[bridge] stop failed', error);
      process.exit(1);
    },
  );
};
process.on('SIGINT', stop);
process.on('SIGTERM', stop);
console.log('[bridge] ready');
