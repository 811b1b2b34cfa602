/** How deep a payload may nest (objects and arrays): beyond it, transform and validation recurse too far. */
export const MAX_PAYLOAD_DEPTH = 32;

/** Keys that, copied onto a plain object, reach its prototype: never accepted in a payload. */
const POISON_KEYS = new Set(['__proto__', 'constructor', 'prototype']);

export interface ShapeProblem {
  /** The dotted path of the offending key or value (`data.items.0`), or '' for the root. */
  field: string;
  message: string;
}

/**
 * Checks what JSON (or Socket.IO) gives before anything transforms it: no key that reaches a
 * prototype (`__proto__`, `constructor`, `prototype`), no nesting deeper than `maxDepth`, no
 * binary value. Iterative,
 * so a hostile depth cannot overflow the stack here either. Answers the first problem, or
 * undefined.
 */
export function inspectShape(value: unknown, maxDepth = MAX_PAYLOAD_DEPTH): ShapeProblem | undefined {
  const stack: Array<{ v: unknown; path: string; depth: number }> = [{ v: value, path: '', depth: 0 }];
  while (stack.length > 0) {
    const { v, path, depth } = stack.pop()!;
    if (v === null || typeof v !== 'object') continue;
    if (v instanceof ArrayBuffer || ArrayBuffer.isView(v)) {
      // Socket.IO binary attachments arrive as frames of their own, each under the frame limit.
      return { field: path, message: 'binary values are refused' };
    }
    if (depth >= maxDepth) {
      return { field: path, message: `nesting deeper than ${maxDepth} levels is refused` };
    }
    for (const key of Object.keys(v)) {
      const field = path ? `${path}.${key}` : key;
      if (POISON_KEYS.has(key)) return { field, message: `the key "${key}" is refused` };
      stack.push({ v: (v as Record<string, unknown>)[key], path: field, depth: depth + 1 });
    }
  }
  return undefined;
}
