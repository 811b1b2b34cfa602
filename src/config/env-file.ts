import { existsSync, readFileSync } from 'node:fs';
import { parseEnv } from 'node:util';

/**
 * The settings of an env file (`ENV_FILE`, default `.env` in the working directory) under the
 * process environment: a variable set in the environment wins over the file. Parsed with Node's
 * own `util.parseEnv` (the same syntax as `node --env-file`), so no dependency; unlike
 * `--env-file` on Node 20, a missing default `.env` is not an error. A named ENV_FILE that does
 * not exist is.
 */
export function withEnvFile(env: Record<string, string | undefined>): {
  env: Record<string, string | undefined>;
  file?: string;
} {
  const named = env.ENV_FILE;
  const file = named ?? '.env';
  if (!existsSync(file)) {
    if (named) throw new Error(`ENV_FILE: ${named} does not exist`);
    return { env };
  }
  const fromFile = parseEnv(readFileSync(file, 'utf8'));
  return { env: { ...fromFile, ...definedOnly(env) }, file };
}

function definedOnly(env: Record<string, string | undefined>): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(env)) if (v !== undefined) out[k] = v;
  return out;
}
