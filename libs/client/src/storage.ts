/** Where the SDK keeps the cursor and the outbox: `localStorage` in browsers, memory elsewhere. */
export interface KeyValueStorage {
  getItem(key: string): string | null;
  setItem(key: string, value: string): void;
  removeItem(key: string): void;
}

export class MemoryStorage implements KeyValueStorage {
  private readonly map = new Map<string, string>();
  getItem(key: string): string | null {
    return this.map.get(key) ?? null;
  }
  setItem(key: string, value: string): void {
    this.map.set(key, value);
  }
  removeItem(key: string): void {
    this.map.delete(key);
  }
}

export function defaultStorage(): KeyValueStorage {
  try {
    const ls = (globalThis as { localStorage?: KeyValueStorage }).localStorage;
    if (ls) {
      ls.setItem('orderwire:probe', '1');
      ls.removeItem('orderwire:probe');
      return ls;
    }
  } catch {
    // Private mode or no DOM: fall back to memory.
  }
  return new MemoryStorage();
}
