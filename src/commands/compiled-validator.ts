import { nestedTypeOf } from '@orderwire/contracts';
import { getMetadataStorage, ValidationTypes } from 'class-validator';

type Plain = Record<string, unknown>;
type Ctor = new () => object;

/** One rule: a constraint of a decorator, with the arguments class-validator would pass it. */
interface Rule {
  each: boolean;
  validateIf?: (object: unknown, value: unknown) => boolean;
  validate: (value: unknown, args: unknown) => unknown;
  args: { targetName: string; property: string; object: unknown; value: unknown; constraints: unknown[] };
}
interface Property {
  name: string;
  conditions: Array<(object: unknown, value: unknown) => unknown>;
  defined: Rule[];
  rules: Rule[];
  /** The class of a @ValidateNested property, from its @Type. */
  nested?: Ctor;
}

/**
 * A validator compiled from a DTO's class-validator decorators, read through class-validator's
 * public metadata storage (`getMetadataStorage()`): the same constraint functions that
 * class-validator runs, with class-validator's order and conditions (whitelist with
 * forbidNonWhitelisted, @IsOptional/@ValidateIf, @IsDefined, `each`, @ValidateNested through the
 * contracts' @Nested, which is class-transformer's @Type and keeps the class where this reads
 * it), without its per-call bookkeeping (error objects for every property, message formatting,
 * promise collection), which cost about 30 µs of a 50 µs command.
 *
 * It only answers "valid": `parse` returns the DTO instance class-transformer would build, or
 * undefined whenever anything fails or looks unusual, and the pipe then runs class-validator
 * itself, so every error a client sees is class-validator's own. A class using anything this does
 * not model (groups, async or promise validation, a nested property without @Nested) is not
 * compiled at all. class-transformer's other decorators (@Transform, @Expose, @Exclude), which this
 * cannot see, are refused in the contracts by the lint (eslint.config.js).
 */
export class CompiledValidator {
  private constructor(
    private readonly cls: Ctor,
    private readonly properties: Property[],
    private readonly allowed: ReadonlySet<string>,
  ) {}

  private static readonly compiled = new Map<Ctor, CompiledValidator | null>();

  /** The compiled validator of `cls`, or undefined if it uses something not modelled here. */
  static for(cls: Ctor): CompiledValidator | undefined {
    if (!CompiledValidator.compiled.has(cls)) {
      CompiledValidator.compiled.set(cls, null); // a class that nests itself is not compiled
      CompiledValidator.compiled.set(cls, CompiledValidator.compile(cls) ?? null);
    }
    return CompiledValidator.compiled.get(cls) ?? undefined;
  }

  private static compile(cls: Ctor): CompiledValidator | undefined {
    const validators = getMetadataStorage();
    // The options WsValidationPipe gives class-validator: no groups, `always` off.
    const metadatas = validators.getTargetValidationMetadatas(cls, undefined as never, false, false);
    if (metadatas.length === 0) return undefined; // forbidUnknownValues: class-validator refuses it
    const byName = new Map<string, Property>();
    for (const m of metadatas) {
      if (m.groups?.length || m.always) return undefined;
      let p = byName.get(m.propertyName);
      if (!p)
        byName.set(m.propertyName, (p = { name: m.propertyName, conditions: [], defined: [], rules: [] }));
      switch (m.type) {
        case ValidationTypes.CONDITIONAL_VALIDATION:
          p.conditions.push(m.constraints[0] as (object: unknown, value: unknown) => unknown);
          break;
        case ValidationTypes.IS_DEFINED:
        case ValidationTypes.CUSTOM_VALIDATION: {
          const list = m.type === ValidationTypes.IS_DEFINED ? p.defined : p.rules;
          for (const c of validators.getTargetValidatorConstraints(m.constraintCls)) {
            if (c.async) return undefined;
            const constraint = c.instance as { validate(value: unknown, args: unknown): unknown };
            list.push({
              each: m.each,
              validateIf: (m as { validateIf?: Rule['validateIf'] }).validateIf,
              validate: constraint.validate.bind(constraint),
              args: {
                targetName: cls.name,
                property: m.propertyName,
                object: undefined,
                value: undefined,
                constraints: m.constraints,
              },
            });
          }
          break;
        }
        case ValidationTypes.NESTED_VALIDATION: {
          const nested = nestedTypeOf(cls, m.propertyName);
          if (!nested) return undefined;
          if (!CompiledValidator.for(nested)) return undefined;
          if (p.nested && p.nested !== nested) return undefined;
          p.nested = nested;
          break;
        }
        case ValidationTypes.WHITELIST:
          break;
        default:
          return undefined; // promise validation, or a type this does not know
      }
    }
    return new CompiledValidator(cls, [...byName.values()], new Set(byName.keys()));
  }

  /** The instance of the DTO class for `value` if `value` is valid, else undefined. Never modifies `value`. */
  parse(value: unknown): object | undefined {
    return isPlainObject(value) && this.valid(value) ? this.instantiate(value) : undefined;
  }

  private valid(value: Plain): boolean {
    for (const key in value) {
      // forbidNonWhitelisted; an inherited or prototype key is class-validator's to judge.
      if (!Object.prototype.hasOwnProperty.call(value, key) || !this.allowed.has(key)) return false;
    }
    for (const p of this.properties) {
      const v = value[p.name];
      let applies = true;
      for (const condition of p.conditions) if (!condition(value, v)) applies = false;
      if (!applies) continue;
      if (!passes(p.defined, value, v) || !passes(p.rules, value, v)) return false;
      if (p.nested && v !== undefined && !this.nestedValid(CompiledValidator.for(p.nested)!, v)) return false;
    }
    return true;
  }

  private nestedValid(nested: CompiledValidator, v: unknown): boolean {
    if (Array.isArray(v)) {
      for (const item of v) if (!isPlainObject(item) || !nested.valid(item)) return false;
      return true;
    }
    return isPlainObject(v) && nested.valid(v);
  }

  /** What class-transformer's plainToInstance builds: a new instance, nested @Type values too. */
  private instantiate(value: Plain): object {
    const out = new this.cls() as Plain;
    for (const key of Object.keys(value)) out[key] = value[key];
    for (const p of this.properties) {
      if (!p.nested) continue;
      const v = value[p.name];
      const nested = CompiledValidator.for(p.nested)!;
      if (Array.isArray(v)) out[p.name] = v.map((item: Plain) => nested.instantiate(item));
      // null passes an @IsOptional nested property and stays null, as class-transformer leaves it.
      else if (v !== undefined && v !== null) out[p.name] = nested.instantiate(v as Plain);
    }
    return out;
  }
}

function passes(rules: Rule[], object: Plain, value: unknown): boolean {
  for (const rule of rules) {
    if (rule.validateIf && !rule.validateIf(object, value)) continue;
    rule.args.object = object;
    rule.args.value = value;
    if (rule.each && (Array.isArray(value) || value instanceof Set || value instanceof Map)) {
      if (!Array.isArray(value)) return false; // a Set or Map: class-validator's to judge
      for (const item of value) if (rule.validate(item, rule.args) !== true) return false;
    } else if (rule.validate(value, rule.args) !== true) {
      return false; // false, or anything else (a promise) class-validator should judge
    }
  }
  return true;
}

/** An object literal or JSON object (of any realm), or one without a prototype. */
function isPlainObject(v: unknown): v is Plain {
  if (v === null || typeof v !== 'object') return false;
  const proto = Object.getPrototypeOf(v) as object | null;
  return proto === null || Object.getPrototypeOf(proto) === null;
}
