#!/usr/bin/env node
// Lints the hub's OpenAPI document (the one /api/docs/json serves) with Spectral's `oas`
// ruleset, recommended rules: any error or warning fails. Run after `npm run build`, on Node 20.17
// or newer, with @stoplight/spectral-core, -rulesets and -parsers in DOC_TOOLS (a folder outside
// the project: .ci/run fills it).
import 'reflect-metadata';
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const tools = process.env.DOC_TOOLS;
if (!tools) {
  console.error('DOC_TOOLS: a folder with @stoplight/spectral-core, -rulesets and -parsers installed');
  process.exit(2);
}
const fromTools = (name) =>
  import(pathToFileURL(createRequire(join(tools, 'package.json')).resolve(name)).href);
const dist = (path) => import(pathToFileURL(join(root, 'dist', path)).href);

const { loadConfig } = await dist('config/load-config.js');
const { createHub } = await dist('app.factory.js');
const { createDocument } = await dist('publish/openapi.js');
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;
const app = await createHub(
  loadConfig({ NODE_ENV: 'test', JWT_SECRET: randomBytes(32).toString('hex'), LOG_LEVEL: 'silent' }),
);
await app.init();
const document = createDocument(app, version);
await app.close();

const core = await fromTools('@stoplight/spectral-core');
const { oas } = await fromTools('@stoplight/spectral-rulesets');
const parsers = await fromTools('@stoplight/spectral-parsers');
const { Spectral, Document } = core.default ?? core;
const spectral = new Spectral();
spectral.setRuleset({ extends: [[oas.default ?? oas, 'recommended']] });
const results = await spectral.run(
  new Document(JSON.stringify(document, null, 2), (parsers.default ?? parsers).Json),
);
const SEVERITY = ['error', 'warning', 'info', 'hint'];
for (const r of results) console.log(`${SEVERITY[r.severity]} ${r.code} ${r.path.join('.')}: ${r.message}`);
const failing = results.filter((r) => r.severity <= 1);
if (failing.length > 0) {
  console.error(`the OpenAPI document has ${failing.length} errors or warnings`);
  process.exit(1);
}
console.log(`the OpenAPI document passes Spectral's oas ruleset (${results.length} notes)`);
