#!/usr/bin/env node
// The AsyncAPI 3 document of the WebSocket protocol, generated from @orderwire/contracts' types
// (ts-json-schema-generator) and the hub's routing table, written to libs/contracts/asyncapi.json
// (the hub serves it at /api/docs/asyncapi.json; the contracts package ships it).
//
//   node scripts/asyncapi.mjs           write it
//   node scripts/asyncapi.mjs --check   regenerate, fail if the committed file differs (drift), and
//                                       validate it with the AsyncAPI parser
//
// Needs Node 22 or newer and, in DOC_TOOLS (a folder outside the project: .ci/run fills it),
// ts-json-schema-generator and @asyncapi/parser: generation tools, not the hub's dependencies
// (the first wants Node 22, above the hub's 20.19 floor). Run after `npm run build`.
import { readFileSync, writeFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { join, resolve } from 'node:path';
import { pathToFileURL } from 'node:url';

const root = resolve(import.meta.dirname, '..');
const out = join(root, 'libs/contracts/asyncapi.json');
const tools = process.env.DOC_TOOLS;
if (!tools) {
  console.error('DOC_TOOLS: a folder with ts-json-schema-generator and @asyncapi/parser installed');
  process.exit(2);
}
const fromTools = (name) =>
  import(pathToFileURL(createRequire(join(tools, 'package.json')).resolve(name)).href);
const { createGenerator } = await fromTools('ts-json-schema-generator');
await import('reflect-metadata'); // the contracts' DTOs are decorated classes
const contracts = await import(pathToFileURL(join(root, 'libs/contracts/dist/index.js')).href);
const { route } = await import(pathToFileURL(join(root, 'dist/routing/routing.table.js')).href);
const { COMMANDS, ERROR_CODES, ROLES, SERVER_EVENT_TYPES, DURABLE_TYPES, CREW_ROLES } = contracts;
const version = JSON.parse(readFileSync(join(root, 'package.json'), 'utf8')).version;

// One generator over the contracts; the definitions of every root type merged into components.
const generator = createGenerator({
  path: join(root, 'libs/contracts/src/index.ts'),
  tsconfig: join(root, 'libs/contracts/tsconfig.json'),
  skipTypeCheck: true,
  expose: 'export',
  jsDoc: 'extended',
  topRef: false,
  additionalProperties: false,
  sortProps: true,
});
const schemas = {};
const rootSchema = (type) => {
  const { definitions = {}, ...schema } = generator.createSchema(type);
  Object.assign(schemas, definitions);
  delete schema.$schema;
  // A root that is a reference (an alias of a generic) is the definition it names.
  return schema.$ref ? schemas[schema.$ref.split('/').pop()] : schema;
};
const commandMap = rootSchema('CommandMap');
const eventMap = rootSchema('ServerEventMap');
const envelope = rootSchema('AnyEnvelope');
const ackError = rootSchema('AckError');
// ts-json-schema-generator refers to `#/definitions/X`; AsyncAPI components live elsewhere.
const rebase = (value) =>
  JSON.parse(JSON.stringify(value).replaceAll('"#/definitions/', '"#/components/schemas/'));

/** Which namespaces receive a message: the routing table's, for an audience that reaches all. */
const audience = {
  tenantId: 't',
  customerId: 'c',
  userIds: ['u'],
  roles: [...ROLES],
  order: { status: 'ready', fulfillment: 'delivery' },
};
const receivers = (type) => {
  try {
    return Object.keys(route(type, audience));
  } catch {
    return [...ROLES]; // a session's own messages (welcome, board, errors, shutdown): every role
  }
};

const channels = {};
const operations = {};
const messages = {};
const id = (name) => name.replace(/[^A-Za-z0-9]/g, '_');
for (const role of ROLES) {
  channels[role] = {
    address: `/${role}`,
    title: `the ${role} namespace`,
    description:
      `Socket.IO namespace \`/${role}\` on the server's path; a ${role} token in the handshake ` +
      '(`auth.token`). A message is a Socket.IO event named by its type, with the envelope as its ' +
      'argument; a command is an event named by the command with its data and an ack callback.',
    messages: {},
  };
}
for (const [command, rule] of Object.entries(COMMANDS)) {
  const entry = commandMap.properties[command].properties;
  messages[`command_${id(command)}`] = {
    name: command,
    title: `${command} (command)`,
    payload: entry.data,
  };
  messages[`reply_${id(command)}`] = {
    name: `${command} reply`,
    title: `${command} (its ack)`,
    payload: {
      oneOf: [
        {
          type: 'object',
          properties: { ok: { const: true }, data: entry.reply },
          required: ['ok'],
          additionalProperties: false,
        },
        { $ref: '#/components/schemas/AckError' },
      ],
    },
  };
  for (const role of rule.roles) {
    channels[role].messages[`command_${id(command)}`] = {
      $ref: `#/components/messages/command_${id(command)}`,
    };
    channels[role].messages[`reply_${id(command)}`] = { $ref: `#/components/messages/reply_${id(command)}` };
    const crewRoles = role === 'crew' && rule.crewRoles ? rule.crewRoles : undefined;
    operations[`${role}_${id(command)}`] = {
      action: 'send',
      channel: { $ref: `#/channels/${role}` },
      title: command,
      summary: crewRoles ? `crew with crewRole ${crewRoles.join(' or ')}` : `by ${role} sessions`,
      messages: [{ $ref: `#/channels/${role}/messages/command_${id(command)}` }],
      reply: {
        channel: { $ref: `#/channels/${role}` },
        messages: [{ $ref: `#/channels/${role}/messages/reply_${id(command)}` }],
      },
    };
  }
}
// Protocol 1.1: the cumulative acknowledgement, an event without a reply (docs/protocol.md 16).
messages.ack = {
  name: contracts.CUMULATIVE_ACK_EVENT,
  title: 'ack (protocol 1.1)',
  summary:
    'acknowledges every durable message written to this socket at or below `cursor`, except `gaps`; ' +
    "for sessions whose welcome said `acks: 'cumulative'`",
  payload: rootSchema('CumulativeAck'),
};
for (const role of ROLES) {
  channels[role].messages.ack = { $ref: '#/components/messages/ack' };
  operations[`${role}_ack`] = {
    action: 'send',
    channel: { $ref: `#/channels/${role}` },
    title: contracts.CUMULATIVE_ACK_EVENT,
    summary: 'cumulative acknowledgement (no reply)',
    messages: [{ $ref: `#/channels/${role}/messages/ack` }],
  };
}
for (const type of SERVER_EVENT_TYPES) {
  const durable = DURABLE_TYPES.includes(type);
  messages[`message_${id(type)}`] = {
    name: type,
    title: type,
    summary: durable ? 'durable: acknowledge it, it carries a cursor' : 'not durable',
    payload: {
      allOf: [
        { $ref: '#/components/schemas/EnvelopeBase' },
        {
          type: 'object',
          properties: { type: { const: type }, data: eventMap.properties[type] },
          required: ['type', 'data'],
        },
      ],
    },
  };
  for (const role of receivers(type)) {
    channels[role].messages[`message_${id(type)}`] = { $ref: `#/components/messages/message_${id(type)}` };
    operations[`${role}_receive_${id(type)}`] = {
      action: 'receive',
      channel: { $ref: `#/channels/${role}` },
      title: type,
      messages: [{ $ref: `#/channels/${role}/messages/message_${id(type)}` }],
    };
  }
}
const envelopeProps = Object.fromEntries(
  Object.entries(envelope.properties).filter(([k]) => k !== 'type' && k !== 'data'),
);
schemas.EnvelopeBase = {
  type: 'object',
  description: 'The envelope of every message; `type` is the event name and `data` its payload.',
  properties: envelopeProps,
  required: envelope.required.filter((k) => k !== 'type' && k !== 'data'),
};
schemas.AckError = ackError;
schemas.ErrorCode = { type: 'string', enum: [...ERROR_CODES] };

const document = rebase({
  asyncapi: '3.1.0',
  info: {
    title: 'orderwire hub — WebSocket protocol',
    version,
    description:
      'The real-time protocol of the orderwire hub over Socket.IO: one namespace per role, commands ' +
      'with acks, durable messages with cursors. Generated from @orderwire/contracts ' +
      '(scripts/asyncapi.mjs); the prose reference is docs/protocol.md. Crew roles: ' +
      `${CREW_ROLES.join(', ')}. Error codes: ${ERROR_CODES.join(', ')}.`,
    license: { name: 'MIT', url: 'https://opensource.org/license/mit' },
  },
  defaultContentType: 'application/json',
  servers: {
    hub: {
      host: 'localhost:8080',
      protocol: 'ws',
      pathname: '/ws',
      description: 'A hub: Socket.IO over WebSocket (long-polling as the fallback) on WS_PATH.',
    },
  },
  channels,
  operations,
  components: { schemas, messages },
});
const text = `${JSON.stringify(document, null, 2)}\n`;

if (!process.argv.includes('--check')) {
  writeFileSync(out, text);
  console.log(
    `libs/contracts/asyncapi.json: ${Object.keys(operations).length} operations, ${Object.keys(messages).length} messages`,
  );
  process.exit(0);
}
// Compared as data, so a formatter's spacing is not drift.
const committed = JSON.stringify(JSON.parse(readFileSync(out, 'utf8')));
if (committed !== JSON.stringify(document)) {
  console.error(
    'libs/contracts/asyncapi.json drifts from the contracts: run node scripts/asyncapi.mjs and commit it',
  );
  process.exit(1);
}
const { Parser } = await fromTools('@asyncapi/parser');
const { diagnostics } = await new Parser().parse(text);
const errors = diagnostics.filter((d) => d.severity === 0);
for (const d of diagnostics)
  console.log(
    `${['error', 'warning', 'info', 'hint'][d.severity]} ${d.code} ${d.path.join('.')}: ${d.message}`,
  );
if (errors.length > 0) process.exit(1);
console.log(`libs/contracts/asyncapi.json: current, and valid AsyncAPI 3 (${diagnostics.length} notes)`);
