// Preloaded into a measured server (with --expose-gc): SIGUSR2 runs a full GC, so RSS is read at rest.
process.on('SIGUSR2', () => globalThis.gc?.());
