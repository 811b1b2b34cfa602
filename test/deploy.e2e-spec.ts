import { afterAll, beforeAll, describe, expect, it } from '@jest/globals';
import { type ChildProcess, execFile, execFileSync, spawn } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import request from 'supertest';
import { Ajv } from 'ajv';
import { parse, parseAllDocuments } from 'yaml';
import { loadConfig } from '../src/config/load-config.js';
import { startHub, type TestHub } from './support/hub.js';
import { copies, outside, stage } from './support/outside.mjs';
import { describeRedis, startRedis, type TestRedis } from './support/redis.js';
import { describeRequiring } from './support/requirement.js';

/**
 * The deploy files (issue #13), checked as far as this machine can without Docker or a cluster:
 * every path they name exists, every setting they give passes the hub's own config check, the
 * probes and the metrics they use are the hub's, the shutdown budgets add up, the k8s manifests
 * render with kustomize, and the image's runtime stage — production dependencies only, the files
 * the Dockerfile copies — runs the hub against Redis.
 */
const root = join(import.meta.dirname, '..');
const read = (path: string) => readFileSync(join(root, path), 'utf8');
const run = promisify(execFile);

type Compose = {
  services: Record<
    string,
    {
      environment?: Record<string, string>;
      volumes?: string[];
      stop_grace_period?: string;
      command?: string[];
      secrets?: string[];
    }
  >;
  secrets?: Record<string, { environment?: string }>;
};
type K8sDoc = {
  kind: string;
  metadata: { name: string };
  spec?: Record<string, unknown>;
  data?: Record<string, string>;
};

/** The values a developer sets for compose.yaml's required variables (`${VAR:?message}`). */
const REQUIRED = {
  JWT_SECRET: randomBytes(32).toString('hex'),
  METRICS_TOKEN: randomBytes(32).toString('hex'),
};

/** compose.yaml with `${VAR:-default}` and `${VAR:?message}` as a developer who sets REQUIRED gets them. */
function compose(): Compose {
  const text = read('compose.yaml')
    .replace(/\$\{(\w+):\?[^}]*\}/g, (_, name: keyof typeof REQUIRED) => REQUIRED[name])
    .replace(/\$\{\w+:-([^}]*)\}/g, '$1');
  return parse(text, { merge: true }) as Compose;
}

const seconds = (duration: string) => Number(/^(\d+)s$/.exec(duration)?.[1]);

describe('the deploy files', () => {
  let hub: TestHub;
  let metrics: string;
  beforeAll(async () => {
    hub = await startHub();
    metrics = (await request(hub.app.getHttpServer()).get('/metrics').expect(200)).text;
  });
  afterAll(() => hub?.close());

  it('Dockerfile: three stages, the runtime one non-root with production dependencies, a health check on a real route', async () => {
    const docker = read('Dockerfile');
    expect(docker.match(/^FROM /gm)).toHaveLength(3);
    const runtime = stage('runtime');
    expect(runtime).toMatch(/^USER node$/m);
    expect(runtime).toMatch(/^ENV NODE_ENV=production/m);
    expect(docker).toMatch(/npm ci --omit=dev/);
    expect(runtime).toMatch(/COPY --from=deps .*\/app\/node_modules/);
    expect(runtime).toContain('/health/ready');
    await request(hub.app.getHttpServer()).get('/health/ready').expect(200);
    expect(runtime).toMatch(/^CMD \["node", "dist\/main.js"\]$/m);
    // Every path copied from the build context exists.
    const fromContext = copies(docker)
      .filter((c) => !c.from)
      .flatMap((c) => c.sources);
    expect(fromContext.length).toBeGreaterThan(10);
    for (const source of fromContext)
      expect([source, existsSync(join(root, source))]).toEqual([source, true]);
  });

  it('compose.yaml is valid against the Compose Specification’s schema (what `docker compose config` checks)', () => {
    // test/fixtures/compose-spec.json: schema/compose-spec.json of github.com/compose-spec/compose-spec
    // at 170098ba (2026-06-23), Apache-2.0. This machine has no Compose v2 to run `config` with.
    const schema = JSON.parse(read('test/fixtures/compose-spec.json')) as Record<string, unknown>;
    delete schema.$schema; // draft-07, which Ajv knows without being told
    const validate = new Ajv({ strict: false, allErrors: true, validateSchema: false }).compile(schema);
    const compose = parse(read('compose.yaml'), { merge: true }) as Compose;
    expect([validate(compose), validate.errors ?? []]).toEqual([true, []]);
    // And it would say so: a misspelt key, a restart policy of the wrong type.
    const broken = structuredClone(compose) as unknown as {
      services: Record<string, Record<string, unknown>>;
    };
    broken.services.redis = { ...broken.services.redis, restart: 42, resart: 'always' };
    expect(validate(broken)).toBe(false);
  });

  it('compose.yaml: two hubs and their settings pass the hub’s config check; the proxy is sticky; the grace outlasts the drain', () => {
    const { services } = compose();
    expect(Object.keys(services).sort()).toEqual(
      ['grafana', 'hub-1', 'hub-2', 'orders-service', 'prometheus', 'proxy', 'redis'].sort(),
    );
    const ids = new Set<string>();
    for (const name of ['hub-1', 'hub-2']) {
      const env = services[name].environment!;
      const config = loadConfig(env);
      expect(config.engine.kind).toBe('redis');
      ids.add(config.engine.nodeId);
      const budget = config.shutdown.graceMs + config.shutdown.closeMs + 2000;
      expect(seconds(services[name].stop_grace_period!) * 1000).toBeGreaterThan(budget);
    }
    expect(ids.size).toBe(2);
    for (const service of Object.values(services)) {
      for (const volume of service.volumes ?? []) {
        const source = volume.split(':')[0];
        if (source.startsWith('./')) expect([volume, existsSync(join(root, source))]).toEqual([volume, true]);
      }
    }
    expect(
      existsSync(join(root, services['orders-service'].command![1].replace('dist/main.js', 'src/main.ts'))),
    ).toBe(true);
    const nginx = read('deploy/nginx/nginx.conf');
    expect(nginx).toMatch(/ip_hash;/);
    expect(nginx).toMatch(/server hub-1:8080/);
    expect(nginx).toMatch(/server hub-2:8080/);
    expect(nginx).toMatch(/proxy_set_header Upgrade \$http_upgrade/);
  });

  it('Prometheus scrapes both hubs with their token; every series of the Grafana dashboard is one the hub exports', () => {
    const prometheus = parse(read('deploy/prometheus/prometheus.yml')) as {
      scrape_configs: Array<{
        authorization: { credentials_file: string };
        static_configs: Array<{ targets: string[] }>;
      }>;
    };
    const job = prometheus.scrape_configs[0];
    expect(job.static_configs[0].targets).toEqual(['hub-1:8080', 'hub-2:8080']);
    // The token comes from the hubs' METRICS_TOKEN through a compose secret, never a shipped value.
    expect(job.authorization.credentials_file).toBe('/run/secrets/metrics_token');
    const { services, secrets } = compose();
    expect(services.prometheus.secrets).toEqual(['metrics_token']);
    expect(secrets?.metrics_token).toEqual({ environment: 'METRICS_TOKEN' });
    expect(services['hub-1'].environment!.METRICS_TOKEN).toBe(REQUIRED.METRICS_TOKEN);

    const dashboard = JSON.parse(read('deploy/grafana/dashboards/orderwire.json')) as {
      panels: Array<{ title: string; targets: Array<{ expr: string }> }>;
    };
    const exported = new Set(
      metrics
        .split('\n')
        .filter((l) => l && !l.startsWith('#'))
        .map((l) => /^[a-zA-Z_:][a-zA-Z0-9_:]*/.exec(l)![0]),
    );
    const used = dashboard.panels.flatMap((p) =>
      p.targets.flatMap((t) => t.expr.match(/\b(?:orderwire|nodejs|process)_[a-z0-9_]+/g) ?? []),
    );
    expect(used.length).toBeGreaterThan(12);
    const missing = [...new Set(used)].filter((name) => !exported.has(name));
    // Histograms and counters of events that have not happened yet have no sample line: their
    // HELP line says they exist.
    expect(missing.filter((name) => !metrics.includes(`# HELP ${name.replace(/_bucket$/, '')} `))).toEqual(
      [],
    );
    const provisioning = parse(read('deploy/grafana/provisioning/dashboards/orderwire.yaml')) as {
      providers: Array<{ options: { path: string } }>;
    };
    expect(provisioning.providers[0].options.path).toBe('/var/lib/grafana/dashboards');
  });
});

describeRequiring(
  'the Kubernetes manifests',
  (() => {
    try {
      execFileSync('kubectl', ['version', '--client'], { stdio: 'ignore' });
      return undefined;
    } catch {
      return 'kubectl (to render deploy/k8s with kustomize)';
    }
  })(),
  () => {
    it('render with kustomize; the hub has probes on real routes, a grace beyond its drain, a PDB, and settings the hub accepts', async () => {
      const { stdout } = await run('kubectl', ['kustomize', join(root, 'deploy/k8s')]);
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as K8sDoc);
      const find = (kind: string, name: string) =>
        docs.find((d) => d.kind === kind && d.metadata.name === name)!;
      const hub = find('Deployment', 'orderwire-hub').spec as {
        template: {
          spec: { terminationGracePeriodSeconds: number; containers: Array<Record<string, unknown>> };
        };
      };
      const container = hub.template.spec.containers[0] as {
        livenessProbe: { httpGet: { path: string } };
        readinessProbe: { httpGet: { path: string } };
      };
      expect(container.livenessProbe.httpGet.path).toBe('/health/live');
      expect(container.readinessProbe.httpGet.path).toBe('/health/ready');
      const config = find('ConfigMap', 'orderwire-config').data!;
      const secret = (
        find('Secret', 'orderwire-secrets') as unknown as { stringData: Record<string, string> }
      ).stringData;
      // Applied as shipped, the placeholders keep the hub from starting; replaced, it starts.
      const node = { NODE_ID: 'orderwire-hub-5d9c7-abcde' };
      expect(() => loadConfig({ ...config, ...secret, ...node })).toThrow(
        /refused in production: JWT_SECRET is .*METRICS_TOKEN is /,
      );
      const replaced: Record<string, string> = Object.fromEntries(
        Object.keys(secret).map((k) => [k, randomBytes(32).toString('hex')] as const),
      );
      // The Redis URL carries the password: the same value in both keys, as the comment says.
      expect(secret.REDIS_URL).toBe(`redis://:${secret.REDIS_PASSWORD}@redis:6379`);
      replaced.REDIS_URL = `redis://:${replaced.REDIS_PASSWORD}@redis:6379`;
      const settings = loadConfig({ ...config, ...replaced, ...node });
      const preStopMs = 5000;
      expect(hub.template.spec.terminationGracePeriodSeconds * 1000).toBeGreaterThan(
        preStopMs + settings.shutdown.graceMs + settings.shutdown.closeMs + 2000,
      );
      const pdb = find('PodDisruptionBudget', 'orderwire-hub').spec as { selector: { matchLabels: object } };
      expect(pdb.selector.matchLabels).toEqual({ 'app.kubernetes.io/name': 'orderwire-hub' });
      expect(find('Ingress', 'orderwire-hub')).toBeDefined();
      expect(find('Deployment', 'orders-service')).toBeDefined();
    });

    it('every rendered object is valid against the Kubernetes API schema (kubernetes-models)', async () => {
      const { stdout } = await run('kubectl', ['kustomize', join(root, 'deploy/k8s')]);
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as K8sDoc & { apiVersion: string });
      const monitor = parse(read('deploy/k8s/monitoring/servicemonitor.yaml')) as K8sDoc & {
        apiVersion: string;
      };
      const invalid: string[] = [];
      for (const doc of docs) {
        const [group, version] = doc.apiVersion.includes('/')
          ? doc.apiVersion.split('/')
          : ['', doc.apiVersion];
        const module = `kubernetes-models/${group ? `${group}/` : ''}${version}/${doc.kind}`;
        const Model = ((await import(module)) as Record<string, new (o: object) => { validate(): void }>)[
          doc.kind
        ]!;
        try {
          new Model(doc).validate();
        } catch (err) {
          invalid.push(`${doc.kind}/${doc.metadata.name}: ${(err as Error).message}`);
        }
      }
      expect(invalid).toEqual([]);
      expect(docs.map((d) => d.kind).sort()).toEqual(
        expect.arrayContaining([
          'HorizontalPodAutoscaler',
          'NetworkPolicy',
          'PodDisruptionBudget',
          'Ingress',
        ]),
      );
      // The ServiceMonitor (a Prometheus Operator resource, outside the base): scrapes with METRICS_TOKEN.
      expect(monitor).toMatchObject({
        apiVersion: 'monitoring.coreos.com/v1',
        kind: 'ServiceMonitor',
        spec: { endpoints: [{ path: '/metrics', authorization: { credentials: { key: 'METRICS_TOKEN' } } }] },
      });
    });

    it('what a review asks: autoscaling, spread, probes and budgets for both services, a Redis with a password, no floating images, no server-snippet, /metrics not routed', async () => {
      const { stdout } = await run('kubectl', ['kustomize', join(root, 'deploy/k8s')]);
      // Rendered YAML, read deep: the schema test above has checked its shape.
      // eslint-disable-next-line @typescript-eslint/no-explicit-any
      const docs = parseAllDocuments(stdout).map((d) => d.toJS() as K8sDoc & { spec: Record<string, any> });
      const find = (kind: string, name: string) =>
        docs.find((d) => d.kind === kind && d.metadata.name === name)!;
      const hpa = find('HorizontalPodAutoscaler', 'orderwire-hub').spec;
      expect(hpa).toMatchObject({
        scaleTargetRef: { kind: 'Deployment', name: 'orderwire-hub' },
        minReplicas: 2,
      });
      expect(find('Deployment', 'orderwire-hub').spec.replicas).toBeUndefined(); // the HPA owns it
      for (const name of ['orderwire-hub', 'orders-service']) {
        const pod = find('Deployment', name).spec.template.spec;
        expect(pod.topologySpreadConstraints.map((c: { topologyKey: string }) => c.topologyKey)).toEqual([
          'kubernetes.io/hostname',
          'topology.kubernetes.io/zone',
        ]);
        expect(find('PodDisruptionBudget', name)).toBeDefined();
        const container = pod.containers[0];
        expect([container.livenessProbe.httpGet.path, container.readinessProbe.httpGet.path]).toEqual([
          '/health/live',
          '/health/ready',
        ]);
      }
      // Every workload: non-root, read-only root, resources, an image pinned to a release.
      for (const d of docs.filter((x) => ['Deployment', 'StatefulSet'].includes(x.kind))) {
        const pod = d.spec.template.spec;
        expect([d.metadata.name, pod.securityContext.runAsNonRoot]).toEqual([d.metadata.name, true]);
        for (const c of pod.containers) {
          expect([c.name, c.securityContext.readOnlyRootFilesystem, !!c.resources.requests]).toEqual([
            c.name,
            true,
            true,
          ]);
          expect(c.image).toMatch(/:\d+\.\d+\.\d+(-[a-z]+)?(@sha256:[0-9a-f]{64})?$/);
        }
      }
      const redis = find('StatefulSet', 'redis').spec.template.spec.containers[0];
      expect(redis.command.join(' ')).toContain('--requirepass "$REDIS_PASSWORD"');
      expect(find('ConfigMap', 'orderwire-config').data!.REDIS_URL).toBeUndefined(); // it is in the Secret
      const policy = find('NetworkPolicy', 'redis-clients').spec;
      expect(policy.ingress[0].from[0].podSelector.matchLabels).toEqual({
        'orderwire.io/redis-client': 'true',
      });
      for (const name of ['orderwire-hub', 'orders-service'])
        expect(find('Deployment', name).spec.template.metadata.labels['orderwire.io/redis-client']).toBe(
          'true',
        );
      const ingress = find('Ingress', 'orderwire-hub') as K8sDoc & {
        metadata: { annotations: Record<string, string> };
        spec: { rules: Array<{ http: { paths: Array<{ path: string }> } }> };
      };
      expect(Object.keys(ingress.metadata.annotations).filter((a) => a.includes('snippet'))).toEqual([]);
      const paths = ingress.spec.rules[0]!.http.paths.map((p) => p.path);
      expect(paths).not.toContain('/metrics');
      expect(paths.filter((p: string) => p !== '/' && '/metrics'.startsWith(p))).toEqual([]);
    });
  },
);

describeRedis('the image’s runtime stage, without Docker', () => {
  let redis: TestRedis;
  let dir: string;
  let hub: ChildProcess | undefined;
  beforeAll(async () => {
    redis = await startRedis();
    ({ dir } = await outside('image')); // support/outside.mjs: the deps stage's npm ci, the built files
  }, 180_000);
  afterAll(async () => {
    hub?.kill('SIGKILL');
    await redis?.stop();
  });

  it('production dependencies and the files the Dockerfile copies run the hub in production', async () => {
    for (const dev of ['jest', 'eslint', 'playwright-core']) {
      expect([dev, existsSync(join(dir, 'node_modules', dev))]).toEqual([dev, false]);
    }
    expect(existsSync(join(dir, 'node_modules/pino-pretty'))).toBe(false);
    expect(copies(stage('runtime')).filter((c) => c.from === 'build').length).toBeGreaterThan(5);
    const port = 18_000 + Math.floor(Math.random() * 2000);
    const env = {
      PATH: process.env.PATH!,
      NODE_ENV: 'production',
      PORT: String(port),
      REDIS_URL: redis.url,
      REDIS_PREFIX: redis.prefix(),
      JWT_SECRET: randomBytes(32).toString('hex'), // production refuses any secret the repo ships
      CORS_ORIGINS: 'https://app.example',
      LOG_FORMAT: 'pretty', // pino-pretty is not installed here: the hub must log JSON instead
    };
    hub = spawn(process.execPath, ['dist/main.js'], { cwd: dir, env, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    hub.stdout!.on('data', (c: Buffer) => (output += c.toString()));
    hub.stderr!.on('data', (c: Buffer) => (output += c.toString()));
    const deadline = Date.now() + 20_000;
    let ready = 0;
    while (ready !== 200) {
      if (Date.now() > deadline) throw new Error(`the hub did not get ready:\n${output}`);
      ready = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
        (r) => r.status,
        () => 0,
      );
      if (ready !== 200) await new Promise((r) => setTimeout(r, 100));
    }
    expect(output).toContain('LOG_FORMAT=pretty needs pino-pretty');
    expect(output.split('\n').filter((l) => l.startsWith('{')).length).toBeGreaterThan(3);
    expect((await fetch(`http://127.0.0.1:${port}/sdk/orderwire.js`)).status).toBe(200);
  }, 240_000);
});
