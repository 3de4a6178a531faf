/**
 * Where the session survives a reload: the refresh token and the identity id of the last user. Only
 * strings; the browser's localStorage fits as it is.
 */
export interface SessionStorage {
  getItem(name: string): string | null;
  setItem(name: string, value: string): void;
  removeItem(name: string): void;
}

export function memoryStorage(): SessionStorage {
  const items = new Map<string, string>();
  return {
    getItem: (name) => items.get(name) ?? null,
    setItem: (name, value) => void items.set(name, value),
    removeItem: (name) => void items.delete(name),
  };
}

/** localStorage where there is one (a browser), memory elsewhere (Node). */
export function defaultStorage(): SessionStorage {
  const browser = (globalThis as { localStorage?: SessionStorage }).localStorage;
  return browser ?? memoryStorage();
}
