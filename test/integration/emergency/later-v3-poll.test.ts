// The emergency service's later-versions pass over running v3 grants (docs/UNLINKABLE.md §9), the service in this
// process on its own clock, everything else real: the embedded node over HTTP, the emergency key from the real
// keychain (run in a D-Bus session with gnome-keyring), a desk's real v3 requests. Three grants run on one chart of
// eight versions. Each poll reads the chart from the node, but opens and verifies it only when its transactions
// changed (src-main/emergency/verified-charts-v3.ts): a new version and a revoke are still passed on to every
// grant, once, and the expiry is still checked on every poll. The CPU of this process (service and node) per
// idle poll is printed, cold and warm.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { loadEmergencyKey } from '../../../src-main/emergency/emergency-key';
import { EmergencyService, type ServiceEvent } from '../../../src-main/emergency/service';
import type { SeedKeyHolder } from '../../../src-main/crypto/seed-key-holder';
import { V3World } from './v3-world';

const GRANTS = 3;
const world = new V3World('later-v3-poll');
const { doctor } = world;
let key: SeedKeyHolder;
let service: EmergencyService;
let clock = Date.now();
const events: ServiceEvent[] = [];
const grants: string[] = [];

/** CPU milliseconds (user + system) of this process over `passes` passes with nothing new to pass on. */
async function idleCpu(passes: number): Promise<number> {
  const start = process.cpuUsage();
  for (let i = 0; i < passes; i++) expect(await service.serveLaterVersions()).toBe(0);
  const used = process.cpuUsage(start);
  return (used.user + used.system) / 1000 / passes;
}

const laterOf = (version: string) =>
  events.filter((e) => e.event === 'later' && e.version === version).map((e) => (e as { grant: string }).grant);

beforeAll(async () => {
  await world.start([], { service: false });
  for (let i = 3; i <= 8; i++) await world.writeVersion(`+44 20 7946 00${10 + i}`);
  key = await loadEmergencyKey(world.keychain);
  service = new EmergencyService({
    ledger: world.ledger.client,
    authorityId: world.authority.id,
    key,
    grantHours: 1,
    now: () => new Date(clock),
    log: (event) => events.push(event),
  });
  const desk = await world.deskFor('doctor');
  for (let i = 0; i < GRANTS; i++)
    await desk.emergency.request(doctor, { target: { chart: world.chartId }, reason: 'unconscious', note: '' });
  expect(await service.tick()).toBe(GRANTS);
  for (const e of events) if (e.event === 'grant') grants.push(e.answer);
  expect(grants).toHaveLength(GRANTS);
}, 240_000);

afterAll(async () => {
  key?.lock();
  await world.stop();
});

describe('later versions of running v3 grants, polled', { timeout: 240_000 }, () => {
  it('makes nothing on idle polls (and prints their CPU, cold and warm)', async () => {
    const cold = await idleCpu(1);
    const warm = await idleCpu(20);
    console.log(
      `later-v3-poll: ${GRANTS} running grants on a chart of 8 versions: idle poll CPU cold ${cold.toFixed(1)} ms, warm ${warm.toFixed(2)} ms (service and node in this process)`,
    );
  });

  it('still passes a new version on to every grant, once', async () => {
    const ninth = await world.writeVersion('+44 20 7946 0019');
    expect(await service.serveLaterVersions()).toBe(GRANTS);
    expect(laterOf(ninth).sort()).toEqual([...grants].sort());
    expect(await service.serveLaterVersions()).toBe(0);
  });

  it('still passes a revoke on to every grant', async () => {
    const revoke = await world.writeVersion('+44 20 7946 0020', 'revoke');
    expect(await service.serveLaterVersions()).toBe(GRANTS);
    expect(laterOf(revoke).sort()).toEqual([...grants].sort());
  });

  it('passes nothing on once the grants expired, though the chart changed after the cache was warm', async () => {
    expect(await service.serveLaterVersions()).toBe(0);
    clock += 2 * 3_600_000;
    const late = await world.writeVersion('+44 20 7946 0021');
    expect(await service.serveLaterVersions()).toBe(0);
    expect(laterOf(late)).toEqual([]);
  });
});
