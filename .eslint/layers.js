// What each folder of the shipped code may import: an allow-list, read by the `layers/imports` rule. A file takes the
// entry of the longest folder that contains it; a file under src-main/ in no declared folder fails lint, so a new
// folder has to say what it needs.
//   imports       folders (and the files below them) it may import; its own folder is always allowed
//   dependencies  the classes of npm dependency it may import (dependencies.js); Node built-ins count as node
//   why           the reason shown with a refusal, keyed by the refused folder's top part or dependency class
//
// Inside src-main the order is app → ipc → records / authority → ledger / vault / settings → crypto / fs: a folder imports only
// folders below it, never one beside or above it. cli is an entry point beside app; the ledger node is a separate
// program (its own process) and sees nothing of the app.

const SHARED = 'src-shared';
const MAIN_ORDER =
  'inside src-main the order is app → ipc → records/authority → ledger/vault/settings → crypto/fs (docs/ARCHITECTURE.md, "Code by runtime").';
const mainWhy = {
  'src-renderer': 'src-main never imports src-renderer.',
  'src-main': `A lower layer never imports a higher one: ${MAIN_ORDER}`,
};
const main = (folder, imports, dependencies = ['anywhere', 'node']) => ({
  folder: `src-main/${folder}`,
  imports: [...imports.map((f) => `src-main/${f}`), SHARED],
  dependencies,
  why: mainWhy,
});

export const layers = [
  {
    folder: 'src-shared',
    imports: [],
    dependencies: ['anywhere'],
    why: {
      'src-main': 'src-shared imports neither src-main nor src-renderer.',
      'src-renderer': 'src-shared imports neither src-main nor src-renderer.',
      node: 'src-shared is pure TypeScript: no Node built-ins or Node-only packages.',
      electron: 'src-shared must not import Electron.',
      dom: 'src-shared must not import UI code or DOM-only packages.',
    },
  },
  {
    folder: 'src-shared/ledger',
    imports: [],
    dependencies: ['anywhere'],
    why: { 'src-shared': 'the transaction core stands alone.' },
  },
  {
    folder: 'src-shared/crypto',
    // The envelope names its action and checks keys with the one pattern; nothing else of src-shared.
    imports: ['src-shared/ledger/patterns', 'src-shared/records/actions'],
    dependencies: ['anywhere'],
    why: { 'src-shared': 'identity crypto stands alone (it may use only the key/id patterns and the action list).' },
  },
  {
    folder: 'src-shared/records',
    imports: ['src-shared/ledger/patterns'],
    dependencies: ['anywhere'],
    why: { 'src-shared': 'the chart model stands alone (it may use only the key/id patterns).' },
  },
  {
    folder: 'src-shared/settings',
    imports: ['src-shared/ledger/patterns'],
    dependencies: ['anywhere'],
    why: { 'src-shared': 'the settings model stands alone (it may use only the key/id patterns).' },
  },
  {
    folder: 'src-shared/authority',
    imports: ['src-shared/ledger', 'src-shared/crypto'],
    dependencies: ['anywhere'],
    why: { 'src-shared': 'the hospital authority builds on the transaction core and identity crypto only.' },
  },
  {
    folder: 'src-shared/emergency',
    // Envelope v3's requests and grants (v3.ts) use the unlinkable primitives: tweaks, tags, padding, slots.
    imports: ['src-shared/ledger', 'src-shared/crypto', 'src-shared/authority', 'src-shared/unlinkable'],
    dependencies: ['anywhere'],
    why: {
      'src-shared':
        'emergency access builds on the transaction core, identity crypto, the authority and the unlinkable primitives only.',
    },
  },
  {
    folder: 'src-shared/unlinkable',
    // Envelope v3's primitives (docs/UNLINKABLE.md): byte helpers, the sealed-box format and the envelope's errors of
    // the identity crypto; the inner envelope holds today's payload (with its action list and key patterns, and read
    // by the payload's fast parse) and is written as canonical JSON.
    imports: [
      'src-shared/crypto/bytes',
      'src-shared/crypto/sealed-box',
      'src-shared/crypto/envelope',
      'src-shared/records/payload',
      'src-shared/records/payload-fast-accept',
      'src-shared/records/actions',
      'src-shared/ledger/patterns',
      'src-shared/ledger/canonical-json',
    ],
    dependencies: ['anywhere'],
    why: {
      'src-shared':
        'the unlinkable-ledger primitives stand alone (they may use only the byte helpers, the sealed box and envelope errors, the payload and its fast parse, the key patterns and canonical JSON).',
    },
  },
  {
    folder: 'src-shared/ipc',
    // The emergency model's codes (reasons, refusals, follow-up states) are part of what the access and review
    // channels carry.
    imports: ['src-shared/records', 'src-shared/settings', 'src-shared/ledger/patterns', 'src-shared/emergency/model'],
    dependencies: ['anywhere'],
    why: {
      'src-shared':
        "the IPC contract builds on the chart and settings models (and the key/id patterns, the emergency model's codes) only.",
    },
  },
  {
    folder: 'src-shared/access',
    imports: ['src-shared/ipc', 'src-shared/records', 'src-shared/emergency/model'],
    dependencies: ['anywhere'],
    why: {
      'src-shared': "the access history reads the contract's shapes, the chart actions and the emergency codes only.",
    },
  },
  {
    folder: 'src-renderer',
    imports: [SHARED],
    dependencies: ['anywhere', 'dom'],
    why: {
      'src-main': 'src-renderer never imports src-main (keys and secrets live there).',
      node: 'The renderer is sandboxed: no Node built-ins or Node-only packages.',
      electron: 'The renderer talks to main only through window.healthchain.',
    },
  },
  {
    folder: 'src-main/app/preload',
    imports: ['src-shared/ipc'],
    dependencies: ['electron'],
    why: {
      'src-main':
        'The preload only bridges the IPC contract: it may import electron and src-shared/ipc, nothing of main.',
      'src-shared': 'The preload only bridges the IPC contract: it may import electron and src-shared/ipc.',
      node: 'The preload runs sandboxed: only electron.',
      anywhere: 'The preload only bridges the IPC contract: it may import electron and src-shared/ipc.',
      dom: 'The preload only bridges the IPC contract: it may import electron and src-shared/ipc.',
    },
  },
  main(
    'app',
    ['ipc', 'records', 'authority', 'emergency', 'ledger', 'vault', 'settings', 'crypto', 'fs', 'ledger-node'],
    ['anywhere', 'node', 'electron'],
  ),
  main('cli', ['records', 'authority', 'emergency', 'ledger', 'vault', 'settings', 'crypto', 'fs', 'ledger-node']),
  main(
    'ipc',
    ['records', 'authority', 'emergency', 'ledger', 'vault', 'settings', 'crypto', 'fs'],
    ['anywhere', 'node', 'electron'],
  ),
  main('records', ['authority', 'ledger', 'vault', 'settings', 'crypto', 'fs']),
  // Envelope v3's discovery (docs/UNLINKABLE.md §4, §8): tag searches over the node client, tags from the crypto, its
  // sealed state on disk; it knows nothing of the charts' content, so nothing else of records.
  main('records/discovery', ['ledger', 'crypto', 'fs']),
  main('authority', ['ledger', 'vault', 'crypto', 'fs']),
  // The service opens a v3 chart's head with records' verified opener (version-opener-v3.ts); records never imports it.
  main('emergency', ['records', 'authority', 'ledger', 'vault', 'crypto', 'fs']),
  main('ledger', ['crypto', 'fs']),
  main('vault', ['crypto', 'fs']),
  main('settings', ['crypto', 'fs']),
  main('crypto', []),
  main('fs', []),
  {
    ...main('ledger-node', ['crypto', 'fs']),
    why: {
      ...mainWhy,
      'src-main':
        'The ledger node is its own program: it imports nothing of the app (only src-main/crypto, src-main/fs and src-shared).',
      electron: 'The ledger node runs without Electron.',
    },
  },
];

/** Folders whose every shipped file must fall in a declared layer. */
export const layeredRoots = ['src-main', 'src-shared', 'src-renderer'];
