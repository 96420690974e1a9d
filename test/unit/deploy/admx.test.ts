// @vitest-environment jsdom
// The Group Policy template (build/policy) checked against what the Windows managed-settings reader accepts: same
// registry key, one policy per setting with the registry type the reader expects, limits equal to the settings
// schema, and every string/presentation it references defined in the en-US resources.
import { describe, expect, it } from 'vitest';
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { SETTING_KEYS, parsePartialSettings } from '../../../src-main/settings/settings';
import { parseRegQuery, settingsFromRegistry } from '../../../src-main/settings/managed/windows';

const dir = path.join(process.cwd(), 'build/policy');
function parse(file: string): Document {
  const doc = new DOMParser().parseFromString(readFileSync(path.join(dir, file), 'utf8'), 'application/xml');
  const error = doc.getElementsByTagName('parsererror')[0];
  if (error) throw new Error(`${file}: ${error.textContent}`);
  return doc;
}
const admx = parse('HealthChain.admx');
const adml = parse('en-US/HealthChain.adml');
const policies = [...admx.getElementsByTagName('policy')];

interface PolicyValue {
  policy: string;
  valueName: string;
  kind: 'multiText' | 'decimal' | 'text' | 'toggle';
  min?: number;
  max?: number;
}
const values: PolicyValue[] = policies.map((policy) => {
  const name = policy.getAttribute('name')!;
  const element = policy.getElementsByTagName('elements')[0]?.firstElementChild;
  if (!element) return { policy: name, valueName: policy.getAttribute('valueName')!, kind: 'toggle' };
  return {
    policy: name,
    valueName: element.getAttribute('valueName')!,
    kind: element.tagName as 'multiText' | 'decimal' | 'text',
    ...(element.tagName === 'decimal'
      ? { min: Number(element.getAttribute('minValue')), max: Number(element.getAttribute('maxValue')) }
      : {}),
  };
});

describe('build/policy Group Policy template', () => {
  it('defines one policy per setting, under the key the reader queries, for machine and user', () => {
    expect(values.map((v) => v.valueName).sort()).toEqual([...SETTING_KEYS].sort());
    for (const policy of policies) {
      expect(policy.getAttribute('key')).toBe('SOFTWARE\\Policies\\HealthChain');
      expect(policy.getAttribute('class')).toBe('Both');
    }
  });

  it('writes each value with the registry type the reader accepts', () => {
    const kind = Object.fromEntries(values.map((v) => [v.valueName, v.kind]));
    expect(kind).toEqual({
      nodeUrls: 'multiText',
      trustedPractitionerKeys: 'multiText',
      autoLockMinutes: 'decimal',
      kioskIdleSeconds: 'decimal',
      allowUserNodeUrls: 'toggle',
      kioskCamera: 'toggle',
      hospitalAuthority: 'text',
      ledgerEnvelope: 'text',
      listCheckpoints: 'toggle',
    });
    for (const valueName of ['allowUserNodeUrls', 'kioskCamera', 'listCheckpoints']) {
      const toggle = policies.find((p) => p.getAttribute('valueName') === valueName)!;
      expect(toggle.querySelector('enabledValue > decimal')?.getAttribute('value'), valueName).toBe('1');
      expect(toggle.querySelector('disabledValue > decimal')?.getAttribute('value'), valueName).toBe('0');
    }
  });

  it('uses the same limits as the settings schema', () => {
    for (const v of values.filter((value) => value.kind === 'decimal')) {
      expect(parsePartialSettings({ [v.valueName]: v.min }).ok, `${v.valueName} min`).toBe(true);
      expect(parsePartialSettings({ [v.valueName]: v.max }).ok, `${v.valueName} max`).toBe(true);
      expect(parsePartialSettings({ [v.valueName]: v.min! - 1 }).ok, `${v.valueName} below min`).toBe(false);
      expect(parsePartialSettings({ [v.valueName]: v.max! + 1 }).ok, `${v.valueName} above max`).toBe(false);
    }
  });

  it('defines every string and presentation it references in the en-US resources', () => {
    const strings = new Set([...adml.getElementsByTagName('string')].map((s) => s.getAttribute('id')));
    const presentations = new Map([...adml.getElementsByTagName('presentation')].map((p) => [p.getAttribute('id'), p]));
    const text = readFileSync(path.join(dir, 'HealthChain.admx'), 'utf8');
    for (const [, id] of text.matchAll(/\$\(string\.(\w+)\)/g)) expect(strings.has(id!), `string ${id}`).toBe(true);
    for (const [, id] of text.matchAll(/\$\(presentation\.(\w+)\)/g)) {
      const presentation = presentations.get(id!);
      expect(presentation, `presentation ${id}`).toBeDefined();
      const element = policies
        .find((p) => p.getAttribute('presentation') === `$(presentation.${id})`)!
        .getElementsByTagName('elements')[0]!.firstElementChild!;
      expect(presentation!.firstElementChild?.getAttribute('refId')).toBe(element.getAttribute('id'));
    }
  });

  it('produces registry values the Windows reader turns into valid settings', () => {
    // What Group Policy writes when every policy is enabled, as `reg query` prints it.
    const sample: Record<string, string> = {
      multiText: 'REG_MULTI_SZ    https://ledger1.hospital.example\\0https://ledger2.hospital.example',
      decimal: 'REG_DWORD    0x1e',
      toggle: 'REG_DWORD    0x0',
    };
    const keysLines = values.map((v) =>
      v.valueName === 'trustedPractitionerKeys'
        ? `    ${v.valueName}    REG_MULTI_SZ    4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS`
        : `    ${v.valueName}    ${sample[v.kind]}`,
    );
    const output = ['', 'HKEY_LOCAL_MACHINE\\SOFTWARE\\Policies\\HealthChain', ...keysLines, ''].join('\r\n');
    expect(settingsFromRegistry(parseRegQuery(output).values)).toEqual({
      ok: true,
      values: {
        nodeUrls: ['https://ledger1.hospital.example', 'https://ledger2.hospital.example'],
        allowUserNodeUrls: false,
        autoLockMinutes: 30,
        kioskIdleSeconds: 30,
        trustedPractitionerKeys: ['4zvwRjXUKGfvwnParsHAS3HuSVzV5cA4McphgmoCtajS'],
        kioskCamera: false,
        listCheckpoints: false,
      },
    });
  });
});
