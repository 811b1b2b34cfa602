#!/usr/bin/env node
// The console's views (apps/console/src, Preact + TSX): one minified bundle per view, with the
// SDK inside, served at /console/app/<view>.js, and their stylesheet. Prints each size.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const root = new URL('../apps/console/', import.meta.url).pathname;
// The three views, and the launcher at /console that links to them.
const VIEWS = ['customer', 'crew', 'admin', 'launcher'];
await build({
  entryPoints: [...VIEWS.map((v) => `${root}src/${v}.tsx`), `${root}src/main.css`],
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  jsx: 'automatic',
  jsxImportSource: 'preact',
  sourcemap: 'linked',
  outdir: `${root}dist`,
  logLevel: 'warning',
});
for (const file of [...VIEWS.map((v) => `${v}.js`), 'main.css']) {
  const code = readFileSync(`${root}dist/${file}`);
  console.log(
    `apps/console/dist/${file}: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`,
  );
}
