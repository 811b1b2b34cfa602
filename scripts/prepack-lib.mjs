#!/usr/bin/env node
// `prepack` of each publishable lib (libs/*): run in the lib's folder by `npm pack` / `npm publish`.
// It refuses to pack a lib that is not built (its `exports` point into dist), and copies the
// repository's LICENSE in, since npm packs only what is inside the package's folder.
import { copyFileSync, existsSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

const dir = process.cwd();
const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8'));
for (const target of Object.values(pkg.exports).flatMap((e) =>
  typeof e === 'string' ? [e] : Object.values(e),
)) {
  if (!existsSync(join(dir, target))) {
    console.error(`${pkg.name}: ${target} is missing; run \`npm run build\` at the repository root first`);
    process.exit(1);
  }
}
copyFileSync(join(dir, '../../LICENSE'), join(dir, 'LICENSE'));
