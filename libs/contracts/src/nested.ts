import { Type } from 'class-transformer';

type Ctor = new () => object;

const NESTED = Symbol('orderwire:nested types');
type Proto = object & { [NESTED]?: Map<string, () => Ctor> };

/**
 * The class of a nested DTO property: class-transformer's `@Type` (what plainToInstance and the
 * OpenAPI schema follow), also kept where `nestedTypeOf` reads it, so that the hub's compiled
 * validator needs nothing of class-transformer but its public API. Every nested DTO property in
 * these contracts uses it (`@Type` alone is refused by the lint).
 */
export function Nested(typeFunction: () => Ctor): PropertyDecorator {
  const type = Type(typeFunction);
  return (target, key) => {
    type(target, key);
    const proto = target as Proto;
    if (!Object.prototype.hasOwnProperty.call(proto, NESTED))
      Object.defineProperty(proto, NESTED, { value: new Map(proto[NESTED] ?? []) });
    proto[NESTED]!.set(String(key), typeFunction);
  };
}

/** The class `@Nested` names for a property of `cls` (or a class it extends), if any. */
export function nestedTypeOf(cls: Ctor, property: string): Ctor | undefined {
  return (cls.prototype as Proto)[NESTED]?.get(property)?.();
}
