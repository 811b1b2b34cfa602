// Projects outside the repository that two suites run (issue #13): a consumer of the packed
// libraries (test/consumer.e2e-spec.ts) and the image's runtime stage rebuilt without Docker
// (test/deploy.e2e-spec.ts). Making them is npm installs and a compile: tens of seconds of CPU.
// Under CI=true Jest's globalSetup makes both before any suite runs, so that this work does not
// slow the timing-sensitive suites running beside them; elsewhere each suite makes its own when
// it runs. Either way, what was made (or why it failed) is recorded in one file per project.
import { execFile } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';

const run = promisify(execFile);
const root = join(import.meta.dirname, '../..');
const RECORDS = join(tmpdir(), `orderwire-outside-${process.env.ORDERWIRE_OUTSIDE_RUN ?? process.pid}`);
const LIBS = ['contracts', 'realtime', 'client'];
const big = { maxBuffer: 32 * 1024 * 1024 };

const installed = (name) =>
  JSON.parse(readFileSync(join(root, 'node_modules', name, 'package.json'), 'utf8')).version;

/** The consumer: the three tarballs and the fixture's sources, installed and compiled. */
async function makeConsumer() {
  const dir = mkdtempSync(join(tmpdir(), 'orderwire-consumer-'));
  const { stdout } = await run(
    'npm',
    ['pack', '--json', '--pack-destination', dir, ...LIBS.flatMap((l) => ['--workspace', `libs/${l}`])],
    { cwd: root, ...big },
  );
  const packed = JSON.parse(stdout.slice(stdout.indexOf('[')));
  cpSync(join(root, 'test/fixtures/consumer'), dir, { recursive: true });
  const tarball = (lib) => `file:./${packed.find((p) => p.name === `@orderwire/${lib}`).filename}`;
  const pkg = {
    name: 'orderwire-consumer',
    private: true,
    type: 'module',
    scripts: { build: 'tsc -p tsconfig.json' },
    dependencies: {
      '@orderwire/client': tarball('client'),
      '@orderwire/contracts': tarball('contracts'),
      '@orderwire/realtime': tarball('realtime'),
      '@nestjs/common': installed('@nestjs/common'),
      '@nestjs/core': installed('@nestjs/core'),
      'reflect-metadata': installed('reflect-metadata'),
      rxjs: installed('rxjs'),
    },
    devDependencies: { typescript: installed('typescript'), '@types/node': installed('@types/node') },
    overrides: { 'file-type': installed('@nestjs/common/node_modules/file-type') },
  };
  writeFileSync(join(dir, 'package.json'), JSON.stringify(pkg, null, 2));
  const install = await run('npm', ['install', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    timeout: 150_000,
    ...big,
  });
  await run('npm', ['run', 'build'], { cwd: dir, timeout: 60_000 });
  return {
    dir,
    packed: packed.map((p) => ({ name: p.name, files: p.files.map((f) => f.path) })),
    installLog: `${install.stdout}${install.stderr}`,
  };
}

/** A Dockerfile stage's COPY lines: `from` (another stage, or the build context), sources, target. */
export function copies(stage) {
  return [...stage.matchAll(/^COPY (.+)$/gm)].map(([, rest]) => {
    const words = rest.split(/\s+/);
    const from = words.find((w) => w.startsWith('--from='))?.slice('--from='.length);
    const paths = words.filter((w) => !w.startsWith('--'));
    return { from, sources: paths.slice(0, -1), target: paths[paths.length - 1] };
  });
}

/** The text of one stage of the Dockerfile. */
export function stage(name) {
  const docker = readFileSync(join(root, 'Dockerfile'), 'utf8');
  const start = docker.indexOf(`AS ${name}`);
  const next = docker.indexOf('\nFROM ', start);
  return docker.slice(start, next === -1 ? undefined : next);
}

/** The image's runtime stage, as the Dockerfile says: the deps stage's npm ci, the built files. */
async function makeImage() {
  const dir = mkdtempSync(join(tmpdir(), 'orderwire-image-'));
  const copy = (source, target) => {
    const to = join(dir, target.replace(/^\.\//, ''));
    mkdirSync(target.endsWith('/') ? to : dirname(to), { recursive: true });
    const into = target.endsWith('/') && !source.endsWith('/') ? join(to, source.split('/').pop()) : to;
    cpSync(join(root, source), into, { recursive: true });
  };
  for (const { sources, target } of copies(stage('deps'))) for (const s of sources) copy(s, target);
  await run('npm', ['ci', '--omit=dev', '--no-audit', '--no-fund', '--prefer-offline'], {
    cwd: dir,
    timeout: 150_000,
    ...big,
  });
  const built = copies(stage('runtime')).filter((c) => c.from === 'build');
  for (const { sources, target } of built) for (const s of sources) copy(s.replace(/^\/app\//, ''), target);
  return { dir, copied: built.length };
}

const MAKERS = { consumer: makeConsumer, image: makeImage };

/** Makes the project (once per run) and answers what was made; throws what failed. */
export async function outside(name) {
  const record = join(RECORDS, `${name}.json`);
  if (!existsSync(record)) {
    mkdirSync(RECORDS, { recursive: true });
    let result;
    try {
      result = { ok: true, ...(await MAKERS[name]()) };
    } catch (err) {
      result = { ok: false, error: `${err.message}\n${err.stdout ?? ''}${err.stderr ?? ''}` };
    }
    writeFileSync(record, JSON.stringify(result));
  }
  const result = JSON.parse(readFileSync(record, 'utf8'));
  if (!result.ok) throw new Error(`making the ${name} project failed: ${result.error}`);
  return result;
}

/** Jest's globalSetup: under CI=true, both projects before any suite runs. */
export default async function globalSetup() {
  process.env.ORDERWIRE_OUTSIDE_RUN = String(process.pid);
  if (process.env.CI !== 'true') return;
  for (const name of Object.keys(MAKERS)) await outside(name).catch(() => undefined); // recorded
}

/** Jest's globalTeardown: the projects and their records. */
export async function teardown() {
  if (!existsSync(RECORDS)) return;
  for (const name of Object.keys(MAKERS)) {
    const record = join(RECORDS, `${name}.json`);
    if (!existsSync(record)) continue;
    const { dir } = JSON.parse(readFileSync(record, 'utf8'));
    if (dir) rmSync(dir, { recursive: true, force: true });
  }
  rmSync(RECORDS, { recursive: true, force: true });
}
