import type { INestApplication } from '@nestjs/common';
import { DocumentBuilder, type OpenAPIObject, SwaggerModule } from '@nestjs/swagger';
import {
  ERROR_CODES,
  nestedTypeOf,
  PUBLISH_DATA_DTOS,
  PUBLISHABLE_TYPES,
  PublishTargetDto,
} from '@orderwire/contracts';
import { validationMetadatasToSchemas } from 'class-validator-jsonschema';
import { IS_ISO8601 } from 'class-validator';

type SchemaOptions = NonNullable<Parameters<typeof validationMetadatasToSchemas>[0]>;

/**
 * What the schema generator asks of class-transformer's metadata storage, answered from the
 * contracts' @Nested (class-transformer keeps its own storage outside its public API): the class of
 * a nested property; nothing is exposed or excluded (the contracts use neither).
 */
const nestedTypes = {
  findTypeMetadata: (target: new () => object, property: string) => {
    const type = nestedTypeOf(target, property);
    return type ? { typeFunction: () => type } : undefined;
  },
  getExposedMetadatas: () => [],
  findExcludeMetadata: () => undefined,
} as unknown as SchemaOptions['classTransformerMetadataStorage'];

type Schemas = NonNullable<NonNullable<OpenAPIObject['components']>['schemas']>;
type SchemaObject = Schemas[string];

export const OPENAPI_PATH = 'api/docs';
const REF = '#/components/schemas/';

/**
 * The OpenAPI 3 document of the HTTP API, at `/api/docs` (Swagger UI) and `/api/docs/json`. The
 * routes, their answers and security come from the controllers' @nestjs/swagger decorators; the
 * body of `POST /api/v1/events` from the very class-validator DTOs that validate it
 * (class-validator-jsonschema), one variant per publishable type, so the document cannot drift
 * from what the hub accepts. Made on the first request, not at boot.
 */
export function setupOpenApi(app: INestApplication, version: string): void {
  let document: OpenAPIObject | undefined;
  SwaggerModule.setup(OPENAPI_PATH, app, () => (document ??= createDocument(app, version)), {
    jsonDocumentUrl: `${OPENAPI_PATH}/json`,
    yamlDocumentUrl: `${OPENAPI_PATH}/yaml`,
    customSiteTitle: 'orderwire HTTP API',
  });
}

export function createDocument(app: INestApplication, version: string): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('orderwire hub — HTTP API')
    .setDescription(
      'Publishing events from any backend (`POST /api/v1/events`), health and metrics. The ' +
        'real-time protocol (Socket.IO) is in docs/protocol.md. Errors are ' +
        '`{ error: { code, message, details? } }`.',
    )
    .setVersion(version)
    .setLicense('MIT', 'https://opensource.org/license/mit')
    .addBearerAuth(
      { type: 'http', scheme: 'bearer', bearerFormat: 'JWT', description: 'a service JWT (role "service")' },
      'service-jwt',
    )
    .addBearerAuth({ type: 'http', scheme: 'bearer', description: 'METRICS_TOKEN' }, 'metrics-token')
    .build();
  const document = SwaggerModule.createDocument(app, config);
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...publishSchemas() },
  };
  return document;
}

/** `PublishRequest` (a oneOf by `type`), the DTO schemas it reaches, and `Error`. */
export function publishSchemas(): Record<string, SchemaObject> {
  const all = validationMetadatasToSchemas({
    refPointerPrefix: REF,
    classTransformerMetadataStorage: nestedTypes,
    // The hub takes times with their date and time (a store status' `until`), not dates alone.
    additionalConverters: { [IS_ISO8601]: { type: 'string', format: 'date-time' } },
  }) as Record<string, SchemaObject>;
  const variants: Record<string, SchemaObject> = {};
  for (const type of PUBLISHABLE_TYPES) {
    variants[`Publish_${type}`] = {
      type: 'object',
      required: ['type', 'tenantId', 'data'],
      additionalProperties: false,
      properties: {
        type: { type: 'string', enum: [type] },
        tenantId: { type: 'string', pattern: '^[A-Za-z0-9_.-]{1,64}$', example: 'r-1' },
        data: { $ref: `${REF}${PUBLISH_DATA_DTOS[type].name}` },
        to: { $ref: `${REF}${PublishTargetDto.name}` },
        requestId: {
          type: 'string',
          maxLength: 64,
          description: 'the same requestId within 10 minutes is delivered once',
        },
      },
    };
  }
  const roots: Record<string, SchemaObject> = {
    ...variants,
    PublishRequest: {
      oneOf: Object.keys(variants).map((name) => ({ $ref: `${REF}${name}` })),
      discriminator: {
        propertyName: 'type',
        mapping: Object.fromEntries(PUBLISHABLE_TYPES.map((t) => [t, `${REF}Publish_${t}`])),
      },
    },
    Error: {
      type: 'object',
      required: ['error'],
      properties: {
        error: {
          type: 'object',
          required: ['code', 'message'],
          properties: {
            code: { type: 'string', enum: [...ERROR_CODES] },
            message: { type: 'string' },
            details: {
              type: 'object',
              description: 'by code: `fields` (VALIDATION_FAILED), `retryAfterMs` …',
            },
          },
        },
      },
    },
  };
  return { ...reachable(roots, all), ...roots };
}

/** The DTO schemas `roots` refer to, transitively. */
function reachable(
  roots: Record<string, SchemaObject>,
  all: Record<string, SchemaObject>,
): Record<string, SchemaObject> {
  const out: Record<string, SchemaObject> = {};
  const visit = (node: unknown): void => {
    if (Array.isArray(node)) return node.forEach(visit);
    if (!node || typeof node !== 'object') return;
    for (const [key, value] of Object.entries(node)) {
      if (key === '$ref' && typeof value === 'string' && value.startsWith(REF)) {
        const name = value.slice(REF.length);
        if (!(name in out) && all[name]) {
          // The hub validates with forbidNonWhitelisted: a field a DTO lacks is refused.
          out[name] = { ...all[name], additionalProperties: false };
          visit(all[name]);
        }
      } else visit(value);
    }
  };
  visit(roots);
  return out;
}
