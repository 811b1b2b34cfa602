#!/usr/bin/env node
// The npm registry reachable here serves only the Linux builds of packages that ship one native
// binary per platform (@swc/core, @unrs/resolver-binding, ...). `npm install` skips the optional
// ones it cannot fetch and leaves them out of package-lock.json, but `npm ci` then refuses the
// lock as "Missing: ... from lock file". This drops those dangling optional edges so that the
// lock describes exactly what installs. Run after `npm install`: `npm run lock:prune`.
import { readFileSync, writeFileSync } from 'node:fs';

const path = new URL('../package-lock.json', import.meta.url);
const lock = JSON.parse(readFileSync(path, 'utf8'));
const present = new Set(Object.keys(lock.packages).map((p) => p.replace(/^.*node_modules\//, '')));
let dropped = 0;
for (const entry of Object.values(lock.packages)) {
  if (!entry.optionalDependencies) continue;
  for (const name of Object.keys(entry.optionalDependencies)) {
    if (!present.has(name)) {
      delete entry.optionalDependencies[name];
      dropped++;
    }
  }
  if (Object.keys(entry.optionalDependencies).length === 0) delete entry.optionalDependencies;
}
writeFileSync(path, `${JSON.stringify(lock, null, 2)}\n`);
console.log(`package-lock.json: dropped ${dropped} optional dependencies that this registry does not serve`);
