// The direction of dependencies between the top-level folders of src (issue #11), checked by
// `npm run lint`. A folder may import only folders below it in LAYERS (and itself); the files at
// the root of src (main, app.factory, hub.module) wire everything and may import anything.
// No cycles between modules either. Spec files and their fakes (*.fake.ts) are not checked.
const LAYERS = [
  'config', // settings
  'util', // helpers with no knowledge of the hub: timeouts, token buckets, the error type
  'routing', // rooms and the routing table: pure functions
  'metrics', // the Prometheus registry and the hub's series
  'engine', // storage, queues, cluster seams (memory and redis)
  'session', // what the hub knows about a connected socket, and its tenant scope
  'transport', // the role namespaces; the only code touching Socket.IO/engine.io internals
  'delivery', // durable delivery: order, policy, replay, retention, dead letters
  'monitoring', // metrics, health, alerts, admin feed
  'webhooks', // commands and events POSTed to the operator's backends, signed and retried
  'orders', // the order lifecycle (gated by the deciding webhooks)
  'auth', // handshake, tokens, sessions
  'commands', // the command pipeline: admission, role check, validation, interceptors, replies
  'gateways', // the role namespaces
  'publish', // HTTP publish and in-process services
  'console', // the operator console
];

const forbidden = LAYERS.map((layer, i) => {
  const above = LAYERS.slice(i + 1);
  return {
    name: `layer-${layer}`,
    comment: `src/${layer} may import only ${LAYERS.slice(0, i).join(', ') || 'nothing else in src'}`,
    severity: 'error',
    from: { path: `^src/${layer}/` },
    to: { path: `^src/(${above.join('|')})/` },
  };
}).filter((rule) => !rule.to.path.includes('()'));

forbidden.push({
  name: 'transport-wall',
  comment:
    'Socket.IO, engine.io and ws objects, and the namespaces and socket types of transport/hub-server.ts, ' +
    'stay in src/transport and src/gateways (issue #28): the rest of the hub sees a connection as a Link ' +
    '(session/link.ts) and the connections as transport/connections.ts. The engine builds the cluster ' +
    "adapter from its Redis connections (@socket.io/redis-streams-adapter), which is not Socket.IO's server.",
  severity: 'error',
  from: { path: '^src/', pathNot: '^src/(transport|gateways)/' },
  to: {
    path: [
      '^node_modules/(socket\\.io|socket\\.io-adapter|socket\\.io-parser|engine\\.io|engine\\.io-parser|ws)/',
      '^src/transport/hub-server\\.ts$',
    ],
  },
});

forbidden.push({
  name: 'no-circular',
  comment: 'modules that import each other, directly or round a loop (the hub and its libraries)',
  severity: 'error',
  from: { path: '^(src|libs/[^/]+/src)/' },
  to: { circular: true },
});

module.exports = {
  forbidden,
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '\\.(spec|fake)\\.ts$' },
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
  },
};
