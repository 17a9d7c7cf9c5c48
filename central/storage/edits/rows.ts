// Rows of the model_edits table as both databases return them, turned into the shape of types.ts. Pure.
import type { StoredEdit } from './types.js';

export interface EditRow {
  seq: number;
  by_user: string;
  at: number;
  body: string;
}

export function editFromRow<T>(r: EditRow): StoredEdit<T> {
  return { seq: r.seq, by: r.by_user, at: r.at, body: JSON.parse(r.body) as T };
}
