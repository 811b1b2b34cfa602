#!/usr/bin/env node
// Summarises V8 CPU profiles (BENCH_PROFILE): self time by function and by package or hub
// folder, and the total time under chosen frames (inclusive), as percentages of the samples.
//   node bench/profile-summary.mjs <file.cpuprofile> [--top 30] [--under name,name]
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '30' }, under: { type: 'string' } },
});
if (positionals.length === 0) {
  console.error('usage: node bench/profile-summary.mjs <file.cpuprofile> [--top N] [--under a,b]');
  process.exit(2);
}

/** Where a frame's code lives: an npm package, a hub folder (dist/…), node internals or V8. */
function placeOf(url) {
  if (!url) return '(v8)';
  const pkg = url.match(/node_modules\/((?:@[^/]+\/)?[^/]+)/);
  if (pkg) return pkg[1];
  const hub = url.match(/\/dist\/(?:[^/]+\/)?([^/]+)\/[^/]+\.js$/);
  if (hub) return `hub:${hub[1]}`;
  if (url.startsWith('node:')) return 'node';
  return url.split('/').slice(-2).join('/');
}

for (const file of positionals) {
  const profile = JSON.parse(readFileSync(file, 'utf8'));
  const byId = new Map(profile.nodes.map((n) => [n.id, n]));
  const parent = new Map();
  for (const n of profile.nodes) for (const c of n.children ?? []) parent.set(c, n.id);
  const hits = new Map();
  for (const id of profile.samples) hits.set(id, (hits.get(id) ?? 0) + 1);
  const total = profile.samples.length;
  const self = new Map();
  const place = new Map();
  const under = (args.under ?? '').split(',').filter(Boolean);
  const inclusive = new Map(under.map((u) => [u, 0]));
  for (const [id, n] of hits) {
    const f = byId.get(id).callFrame;
    const key = `${f.functionName || '(anonymous)'} ${placeOf(f.url)}:${f.lineNumber + 1}`;
    self.set(key, (self.get(key) ?? 0) + n);
    place.set(placeOf(f.url), (place.get(placeOf(f.url)) ?? 0) + n);
    if (under.length === 0) continue;
    const seen = new Set();
    for (let at = id; at !== undefined; at = parent.get(at)) {
      const name = byId.get(at).callFrame.functionName;
      for (const u of under) if (name === u && !seen.has(u)) seen.add(u);
    }
    for (const u of seen) inclusive.set(u, inclusive.get(u) + n);
  }
  const pct = (n) => `${((100 * n) / total).toFixed(1).padStart(5)} %`;
  const top = (m) => [...m].sort((a, b) => b[1] - a[1]).slice(0, Number(args.top));
  const ms = (profile.endTime - profile.startTime) / 1000;
  console.log(`${file}: ${total} samples over ${ms.toFixed(0)} ms`);
  console.log('\nself time by package or hub folder:');
  for (const [k, n] of top(place)) console.log(`  ${pct(n)}  ${k}`);
  console.log('\nself time by function:');
  for (const [k, n] of top(self)) console.log(`  ${pct(n)}  ${k}`);
  if (under.length > 0) {
    console.log('\ninclusive time under:');
    for (const [k, n] of inclusive) console.log(`  ${pct(n)}  ${k}`);
  }
}
