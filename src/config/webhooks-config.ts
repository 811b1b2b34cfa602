import { readFileSync } from 'node:fs';
// The protocol without the DTO classes: loading those needs reflect-metadata, and config is read first.
import {
  DECIDABLE_COMMANDS,
  SERVICE_COMMANDS,
  TENANT_PATTERN,
  WEBHOOK_EVENT_TYPES,
} from '@orderwire/contracts/protocol';
import type { WebhookConfig } from './app-config.js';

const ID = /^[A-Za-z0-9_-]{1,64}$/;
const MAX_WEBHOOKS = 100;

/**
 * WEBHOOKS (JSON) or WEBHOOKS_FILE: the operator's list of backends to POST to. Only the operator
 * configures URLs — a tenant or a service never does, since the hub would make requests wherever
 * it was told (SSRF). Throws a message naming the setting and the entry.
 */
export function parseWebhooks(raw: string | undefined, file: string | undefined): WebhookConfig[] {
  if (raw && file) throw new Error('WEBHOOKS and WEBHOOKS_FILE: set one, not both');
  const name = file ? 'WEBHOOKS_FILE' : 'WEBHOOKS';
  let text = raw;
  if (file) {
    try {
      text = readFileSync(file, 'utf8');
    } catch (err) {
      throw new Error(`WEBHOOKS_FILE: cannot read ${file}: ${(err as Error).message}`, { cause: err });
    }
  }
  if (!text?.trim()) return [];
  let list: unknown;
  try {
    list = JSON.parse(text);
  } catch {
    throw new Error(
      `${name}: not JSON (an array of { id, url, secret, tenants?, commands?, events?, decides? })`,
    );
  }
  if (!Array.isArray(list) || list.length > MAX_WEBHOOKS) {
    throw new Error(`${name}: an array of at most ${MAX_WEBHOOKS} webhooks`);
  }
  const hooks = list.map((entry, i) => webhook(entry, `${name}[${i}]`));
  const ids = new Set(hooks.map((h) => h.id));
  if (ids.size !== hooks.length) throw new Error(`${name}: webhook ids must be unique`);
  return hooks;
}

function webhook(entry: unknown, where: string): WebhookConfig {
  const e = (entry ?? {}) as Record<string, unknown>;
  const known = new Set(['id', 'url', 'secret', 'tenants', 'commands', 'events', 'decides', 'onFailure']);
  const unknown = Object.keys(e).filter((k) => !known.has(k));
  if (typeof entry !== 'object' || Array.isArray(entry) || unknown.length) {
    throw new Error(
      `${where}: an object of id, url, secret, tenants?, commands?, events?, decides?, onFailure?${unknown.length ? ` (not ${unknown.join(', ')})` : ''}`,
    );
  }
  if (typeof e.id !== 'string' || !ID.test(e.id))
    throw new Error(`${where}.id: 1 to 64 of letters, digits, _ and -`);
  let url: URL;
  try {
    url = new URL(String(e.url));
  } catch {
    throw new Error(`${where}.url: not a URL`);
  }
  if (!['http:', 'https:'].includes(url.protocol) || url.username || url.password) {
    throw new Error(`${where}.url: http(s) without credentials in it`);
  }
  if (typeof e.secret !== 'string' || e.secret.length < 32) {
    throw new Error(`${where}.secret: at least 32 characters`);
  }
  const tenants = list(e.tenants, `${where}.tenants`, (t) => TENANT_PATTERN.test(t));
  const commands = list(e.commands, `${where}.commands`, (c) =>
    (SERVICE_COMMANDS as readonly string[]).includes(c),
  );
  const events = list(e.events, `${where}.events`, (t) =>
    (WEBHOOK_EVENT_TYPES as readonly string[]).includes(t),
  );
  const decides = list(e.decides, `${where}.decides`, (c) =>
    (DECIDABLE_COMMANDS as readonly string[]).includes(c),
  );
  if (!commands?.length && !events?.length && !decides?.length) {
    throw new Error(`${where}: give commands, events or decides (or several)`);
  }
  if (e.onFailure !== undefined && e.onFailure !== 'reject' && e.onFailure !== 'accept') {
    throw new Error(`${where}.onFailure: "reject" (the default) or "accept"`);
  }
  return {
    id: e.id,
    url: url.toString(),
    secret: e.secret,
    ...(tenants ? { tenants } : {}),
    commands: commands ?? [],
    events: events ?? [],
    decides: decides ?? [],
    onFailure: e.onFailure ?? 'reject',
  } as WebhookConfig;
}

function list(value: unknown, where: string, valid: (item: string) => boolean): string[] | undefined {
  if (value === undefined) return undefined;
  if (!Array.isArray(value) || value.some((v) => typeof v !== 'string' || !valid(v))) {
    throw new Error(`${where}: a list of known names (${knownNames(where)})`);
  }
  return [...new Set(value as string[])];
}

function knownNames(where: string): string {
  if (where.endsWith('commands')) return SERVICE_COMMANDS.join(', ');
  if (where.endsWith('events')) return WEBHOOK_EVENT_TYPES.join(', ');
  if (where.endsWith('decides')) return DECIDABLE_COMMANDS.join(', ');
  return 'tenant ids';
}
