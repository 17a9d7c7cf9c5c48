// What the API stores beside the readings: its users, their API tokens and sign-in sessions. Two
// implementations (sqlite.ts, postgres.ts) pass one contract suite (test/storage/access-contract.ts); the
// same classes keep the operators' model edits on their connection (../edits/types.ts).

export const ROLES = ['operator', 'read-only', 'customer'] as const;
export type Role = (typeof ROLES)[number];

export interface StoredUser {
  username: string;
  role: Role;
  /** Set exactly for role customer. */
  customer: string | undefined;
  /** scrypt$N$r$p$<salt>$<key> (central/broker/passwords.ts). */
  passwordHash: string;
  createdAt: number;
  updatedAt: number;
}

/** An API token or a session: a random secret of which only the SHA-256 is kept, found by its id. */
export interface StoredSecret {
  id: string;
  username: string;
  /** hex SHA-256 of the secret part. */
  hash: string;
  label: string | undefined;
  createdAt: number;
  /** Tokens: undefined (until revoked); sessions: when they end. */
  expiresAt: number | undefined;
  revokedAt: number | undefined;
}

export type SecretKind = 'token' | 'session';

export interface AccessStore {
  /** Adds a user or replaces its role, customer and hash (createdAt kept). */
  putUser(user: StoredUser): Promise<void>;
  user(username: string): Promise<StoredUser | undefined>;
  /** By username. */
  users(): Promise<StoredUser[]>;
  /** Removes the user, its sessions, and revokes its tokens; false when there was none. */
  removeUser(username: string, atMs: number): Promise<boolean>;

  addSecret(kind: SecretKind, secret: StoredSecret): Promise<void>;
  secret(kind: SecretKind, id: string): Promise<StoredSecret | undefined>;
  /** Oldest first; of one user when given. */
  secrets(kind: SecretKind, username?: string): Promise<StoredSecret[]>;
  /** Sets revokedAt once; false when unknown or revoked already. */
  revokeSecret(kind: SecretKind, id: string, atMs: number): Promise<boolean>;

  close(): Promise<void>;
}
