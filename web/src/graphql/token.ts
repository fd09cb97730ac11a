import { useSyncExternalStore } from 'react';

/**
 * The API token a reader or editor pasted in Settings: kept for this browser tab only (sessionStorage), sent as
 * `Authorization: Bearer …`. Reads need one only when the service runs with PUBLIC_READS=false; writes (the
 * review queue, later) always do.
 */
const KEY = 'fact-explorer:token';
const listeners = new Set<() => void>();

function read(): string | null {
  try {
    return sessionStorage.getItem(KEY);
  } catch {
    return null;
  }
}

let current = read();

export function setToken(token: string | null) {
  const value = token?.trim() || null;
  try {
    if (value) sessionStorage.setItem(KEY, value);
    else sessionStorage.removeItem(KEY);
  } catch {
    // Storage can be unavailable (private modes); the token then lasts until the page closes.
  }
  current = value;
  for (const listener of listeners) listener();
}

export const getToken = () => current;

export function useToken(): string | null {
  return useSyncExternalStore(
    (listener) => {
      listeners.add(listener);
      return () => listeners.delete(listener);
    },
    getToken,
  );
}
