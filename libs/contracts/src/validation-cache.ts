import { getMetadataStorage } from 'class-validator';

type Lookup = (
  target: unknown,
  schema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => unknown[];

let installed = false;

/**
 * class-validator recomputes a class's validation metadata (walking the whole storage) on every
 * validate() call; profiled, that was the largest single cost of a command. Metadata is
 * registered by decorators when a class is defined and never changes afterwards, so the lookup is
 * memoised per class, schema and group options. Idempotent.
 */
export function cacheValidationMetadata(): void {
  if (installed) return;
  installed = true;
  const storage = getMetadataStorage() as unknown as { getTargetValidationMetadatas: Lookup };
  const original = storage.getTargetValidationMetadatas.bind(storage);
  const cache = new Map<unknown, Map<string, unknown[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}|${always}|${strictGroups}|${groups?.join(',') ?? ''}`;
    let perTarget = cache.get(target);
    if (!perTarget) cache.set(target, (perTarget = new Map()));
    let hit = perTarget.get(key);
    if (!hit) perTarget.set(key, (hit = original(target, schema, always, strictGroups, groups)));
    return hit;
  };
}
