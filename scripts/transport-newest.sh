#!/usr/bin/env bash
# The transport and delivery suites (`npm run test:transport`) against the newest published
# version of every transport package (src/transport/packages.ts), in a copy of the tree: what the
# hub would run on the day a security update of one of them is published. The newest within each
# package's current major, even past the range its dependent asks for (ws under engine.io). Writes
# the Jest results to $1 (JSON) and exits with Jest's status.
set -euo pipefail
cd "$(dirname "$0")/.."
PACKAGES="@nestjs/platform-socket.io socket.io engine.io socket.io-adapter socket.io-parser ws @socket.io/redis-streams-adapter"
out="$(realpath -m "${1:-jest-results-newest.json}")"
copy="$(mktemp -d)"
trap 'rm -rf "$copy"' EXIT
git ls-files -z | xargs -0 cp --parents -t "$copy"
project="$(pwd)"
cd "$copy"
PROJECT="$project" node - $PACKAGES <<'JS'
const { execFileSync } = require('node:child_process');
const fs = require('node:fs');
const semver = require(require.resolve('semver', { paths: [process.env.PROJECT] }));
const pkg = JSON.parse(fs.readFileSync('package.json', 'utf8'));
const lock = JSON.parse(fs.readFileSync('package-lock.json', 'utf8'));
pkg.overrides ??= {};
const chosen = [];
for (const name of process.argv.slice(2)) {
  const installed = lock.packages[`node_modules/${name}`]?.version;
  if (!installed) throw new Error(`${name} is not in the lockfile`);
  const [x, y] = installed.split('.');
  const range = x === '0' ? `^0.${y}.0` : `^${x}.0.0`; // the same major (minor, before 1.0)
  const versions = JSON.parse(execFileSync('npm', ['view', name, 'versions', '--json'], { encoding: 'utf8' }));
  const newest = semver.maxSatisfying([versions].flat(), range); // no pre-releases
  chosen.push(`${name} ${installed} -> ${newest}`);
  const direct = ['dependencies', 'devDependencies'].find((field) => pkg[field]?.[name]);
  if (direct) pkg[direct][name] = newest;
  else pkg.overrides[name] = newest;
}
fs.writeFileSync('package.json', JSON.stringify(pkg, null, 2) + '\n');
console.log(`transport packages, newest published: ${chosen.join(', ')}`);
JS
npm install --no-audit --no-fund --ignore-scripts >/dev/null
# (packages.spec.ts checks the repository's package.json, which this copy rewrites.)
npm run test:transport -- --ci --json --outputFile="$out" --testPathIgnorePatterns packages.spec
