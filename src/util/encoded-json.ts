/**
 * An object's JSON, made once and kept on it for whoever writes it next. The memory message store
 * measures each durable envelope by its JSON (the log's byte bound); the transport's encoder
 * (transport/hub-parser.ts) writes the same JSON to the sockets instead of making it again.
 *
 * The object is frozen when its JSON is kept: a later change would make the kept JSON wrong, so it
 * throws instead (ES modules run in strict mode). The JSON sits under a non-enumerable symbol, so
 * that a copy (`{ ...envelope }`, which may differ) does not carry it.
 */
const JSON_TEXT = Symbol('orderwire.json');

type WithJson = { [JSON_TEXT]?: string };

/** `value`'s JSON, kept on it; `value` is frozen (shallowly) from here on. */
export function keepJson(value: object): string {
  const kept = (value as WithJson)[JSON_TEXT];
  if (kept !== undefined) return kept;
  const text = JSON.stringify(value);
  Object.defineProperty(value, JSON_TEXT, { value: text });
  Object.freeze(value);
  return text;
}

/** The JSON kept on `value` by keepJson, if any. */
export function keptJson(value: unknown): string | undefined {
  return typeof value === 'object' && value !== null ? (value as WithJson)[JSON_TEXT] : undefined;
}
