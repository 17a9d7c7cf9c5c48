// Messages between the store and its SQLite writer thread.
import type { WritePlan } from '../plan.js';
import type { StoreResult } from '../types.js';

export type ThreadRequest = { type: 'write'; id: number; plan: WritePlan } | { type: 'close' };

export interface ErrorReply {
  name: string;
  message: string;
  /** better-sqlite3's SQLITE_* code, when there is one. */
  code?: string;
}

export type ThreadReply =
  | { type: 'ready' }
  | { type: 'failed'; error: ErrorReply }
  | { type: 'written'; id: number; results: StoreResult[] }
  | { type: 'refused'; id: number; error: ErrorReply };

export function errorReply(err: unknown): ErrorReply {
  const e = err instanceof Error ? err : new Error(String(err));
  const code = (e as { code?: unknown }).code;
  return { name: e.name, message: e.message, ...(typeof code === 'string' ? { code } : {}) };
}

/** The thread's error as an Error on this side, with its name and code. */
export function errorFrom(r: ErrorReply): Error {
  const e = new Error(r.message);
  e.name = r.name;
  if (r.code !== undefined) Object.assign(e, { code: r.code });
  return e;
}
