/* eslint-disable @typescript-eslint/no-require-imports -- a CommonJS preload, loaded with --require */
// Preloaded into a measured server: SIGUSR2 runs a full GC, so RSS is read at rest.
const v8 = require('node:v8');
const vm = require('node:vm');
v8.setFlagsFromString('--expose-gc');
const gc = vm.runInNewContext('gc');
process.on('SIGUSR2', () => gc());
