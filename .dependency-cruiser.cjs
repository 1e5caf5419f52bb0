/**
 * The layering rules of shared/design.md, checked in `npm test` (apps/platform/src/architecture.spec.ts).
 * Facades (calls, rcml, dial, sessions) sit on the call-control core; the core sees only ports, common/ and
 * config/; resources never reach up into a facade; only the ARI adapter knows ari-client.
 * .dependency-cruiser-known-violations.json is the place for a violation accepted on purpose; it is empty,
 * and any violation not listed there fails the test.
 */
const SRC = '^apps/platform/src/';
const FACADES = `${SRC}(calls|rcml|dial|sessions)/`;
const RESOURCES = `${SRC}(accounts|clients|extensions|incoming-numbers|recordings|notifications|media|queues)/`;

module.exports = {
  forbidden: [
    {
      name: 'ari-client-only-in-adapter',
      comment: 'Only telephony/ari/ speaks ARI; everything else goes through the TelephonyGateway port.',
      severity: 'error',
      from: { pathNot: `${SRC}telephony/ari/` },
      to: { path: '(^|/)node_modules/(ari-client|@types/ari-client)/' },
    },
    {
      name: 'core-imports-only-ports-common-config',
      comment:
        'call-control/ is the core: it knows ports, common/ and config/, never a facade or a resource.',
      severity: 'error',
      from: { path: `${SRC}call-control/` },
      to: {
        path: SRC,
        pathNot: [
          `${SRC}call-control/`,
          `${SRC}telephony/[^/]+\\.port\\.ts$`,
          `${SRC}common/`,
          `${SRC}config/`,
        ],
      },
    },
    {
      name: 'resources-never-import-facades',
      comment:
        'Accounts, numbers, clients, recordings, notifications and media serve the facades, not the reverse.',
      severity: 'error',
      from: { path: RESOURCES },
      to: { path: FACADES },
    },
    {
      name: 'facades-do-not-import-each-other-through-the-core',
      comment: 'The core never imports a facade.',
      severity: 'error',
      from: { path: `${SRC}(call-control|telephony|common|config|webhooks)/` },
      to: { path: FACADES },
    },
    {
      name: 'no-cycles',
      comment: 'Import cycles make module start-up order fragile and hide layering mistakes.',
      severity: 'error',
      from: { path: SRC },
      to: { circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    exclude: { path: '\\.(spec|medium-spec|e2e-spec)\\.ts$' },
  },
};
