import { Injectable, type ValidationError, ValidationPipe } from '@nestjs/common';
import { flattenValidationErrors } from '@orderwire/contracts';
import { CompiledValidator } from './compiled-validator.js';
import { HubException } from '../util/hub.exception.js';

/**
 * class-validator on every command payload. Failures become VALIDATION_FAILED with
 * `details.fields`, one entry per field that failed and why. Unknown fields are refused.
 */
@Injectable()
export class WsValidationPipe extends ValidationPipe {
  constructor() {
    super({
      transform: true,
      whitelist: true,
      forbidNonWhitelisted: true,
      forbidUnknownValues: true,
      validationError: { target: false, value: false },
      exceptionFactory: (errors: ValidationError[]) => {
        const fields = flattenValidationErrors(errors);
        return new HubException(
          'VALIDATION_FAILED',
          fields.map((f) => f.messages[0]).join('; ') || 'invalid payload',
          {
            fields,
          },
        );
      },
    });
  }

  override async transform(
    value: unknown,
    metadata: Parameters<ValidationPipe['transform']>[1],
  ): Promise<unknown> {
    // Nest hands every handler parameter to the pipe: only the payload (@MessageBody, which
    // Nest reports as 'body') is validated; the socket arrives as 'custom'.
    if (metadata.type !== 'body') return value;
    if (value === null || typeof value !== 'object' || Array.isArray(value)) {
      throw new HubException('VALIDATION_FAILED', 'the payload must be an object', {
        fields: [{ field: '', messages: ['the payload must be an object'] }],
      });
    }
    // Valid payloads take the compiled validator (the same decorators, see CompiledValidator);
    // anything it does not accept goes through class-validator, which also words the errors.
    const compiled = metadata.metatype
      ? CompiledValidator.for(metadata.metatype as new () => object)
      : undefined;
    return compiled?.parse(value) ?? super.transform(value, metadata);
  }
}
