/** Keeps the layering of STYLE.md true: faces -> app -> domain, adapters implement app ports. */
module.exports = {
  forbidden: [
    {
      name: 'domain-is-pure',
      comment:
        'src/domain holds pure rules: no imports from elsewhere in src, no I/O modules (lossless-json is a pure parser)',
      severity: 'error',
      from: { path: '^src/domain' },
      to: { pathNot: ['^src/domain', '^node_modules/lossless-json/'] },
    },
    {
      name: 'app-uses-ports',
      comment: 'use cases talk to ports, never to adapters or faces',
      severity: 'error',
      from: { path: '^src/app' },
      to: { path: '^src/(store|chains|rates|callbacks|http|cli)' },
    },
    {
      name: 'adapters-meet-through-ports',
      comment: 'store, chains, rates, callbacks and mail implement app ports; none imports another',
      severity: 'error',
      from: { path: '^src/(store|chains|rates|callbacks|mail)/' },
      to: { path: '^src/(store|chains|rates|callbacks|mail)/', pathNot: '^src/$1/' },
    },
    {
      name: 'faces-use-app',
      comment: 'a face reaches the rest of Kassa only through use cases and the domain',
      severity: 'error',
      from: { path: '^src/http/' },
      to: { path: '^src/', pathNot: '^src/(http|app|domain)/' },
    },
    { name: 'no-circular', severity: 'error', from: {}, to: { circular: true } },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsConfig: { fileName: 'tsconfig.json' },
    tsPreCompilationDeps: true,
  },
};
