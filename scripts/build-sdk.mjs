#!/usr/bin/env node
// The browser bundle of the client SDK: an IIFE exposing window.GlobalWebSocketManager,
// minified, served by the hub at /sdk/orderwire.js. Prints its size, minified and gzipped.
import { build } from 'esbuild';
import { gzipSync } from 'node:zlib';
import { readFileSync } from 'node:fs';

const outfile = new URL('../libs/client/dist/orderwire.js', import.meta.url).pathname;
await build({
  entryPoints: [new URL('../libs/client/src/browser.ts', import.meta.url).pathname],
  bundle: true,
  minify: true,
  format: 'iife',
  platform: 'browser',
  target: ['es2020'],
  sourcemap: 'linked',
  outfile,
  logLevel: 'warning',
});
const code = readFileSync(outfile);
console.log(
  `libs/client/dist/orderwire.js: ${(code.length / 1024).toFixed(1)} KiB minified, ${(gzipSync(code).length / 1024).toFixed(1)} KiB gzipped`,
);
