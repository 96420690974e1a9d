// What sodium-native's index.js gets for './binding' in the CLI bundle (scripts/build-cli.mjs): the same native addon.
// sodium-native finds it through require-addon, whose resolver (bare-addon-resolve, bare-module-resolve, bare-semver,
// package.json reads) costs ~15–25 ms of CPU at every start. What it resolves to on the platforms HealthChain ships
// for is the package's own prebuilt for this platform and architecture: when that file is there and nothing could
// take precedence (no local build in the package, not musl, which has prebuilds of its own), it is loaded directly;
// otherwise require-addon is asked, exactly as sodium-native's binding.js does.
/* eslint-disable @typescript-eslint/no-require-imports -- CommonJS, as the module it stands for (index.js spreads
   its exports) */
const { existsSync } = require('node:fs');
const { dirname, join } = require('node:path');

const root = dirname(require.resolve('sodium-native/package.json'));
const prebuilt = join(root, 'prebuilds', `${process.platform}-${process.arch}`, 'sodium-native.node');
const direct =
  existsSync(prebuilt) &&
  !existsSync(join(root, 'build')) &&
  !(process.platform === 'linux' && existsSync('/etc/alpine-release'));

module.exports = direct ? require(prebuilt) : require('require-addon')('.', join(root, 'binding.js'));
