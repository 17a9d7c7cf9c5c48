// Rows of the access tables as both databases return them, turned into the shapes of types.ts. Pure.
import type { Role, StoredSecret, StoredUser } from './types.js';

export interface UserRow {
  username: string;
  role: string;
  customer: string | null;
  password_hash: string;
  created_at: number;
  updated_at: number;
}

export function userFromRow(r: UserRow): StoredUser {
  return {
    username: r.username,
    role: r.role as Role,
    customer: r.customer ?? undefined,
    passwordHash: r.password_hash,
    createdAt: r.created_at,
    updatedAt: r.updated_at,
  };
}

export interface SecretRow {
  id: string;
  username: string;
  hash: string;
  label: string | null;
  created_at: number;
  expires_at: number | null;
  revoked_at: number | null;
}

export function secretFromRow(r: SecretRow): StoredSecret {
  return {
    id: r.id,
    username: r.username,
    hash: r.hash,
    label: r.label ?? undefined,
    createdAt: r.created_at,
    expiresAt: r.expires_at ?? undefined,
    revokedAt: r.revoked_at ?? undefined,
  };
}

export const SECRET_COLS = 'id, username, hash, label, created_at, expires_at, revoked_at';
export const USER_COLS = 'username, role, customer, password_hash, created_at, updated_at';
