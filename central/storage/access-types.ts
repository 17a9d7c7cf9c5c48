// What the API stores beside the readings: its users, their API tokens and sign-in sessions, and the
// operators' edits of assignments and tariffs. Edits are append-only (both schemas refuse an UPDATE or
// DELETE of one); the model is the inventory and tariff files with every edit applied in order.
// Two implementations (sqlite/access.ts, postgres/access.ts) pass one contract suite (access-contract.ts).

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

/** One edit as stored: its order, who made it, when, and what it says (validated JSON). */
export interface StoredEdit<T> {
  seq: number;
  by: string;
  at: number;
  body: T;
}

export type EditKind = 'assignment' | 'tariff';

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

  /**
   * Appends an edit if the newest stored edit, of either kind, is still `ifLastSeq` (0: there is none),
   * and returns its seq; undefined when another edit came first (another central instance on the same
   * database). Appends are serialized, so seqs ascend in commit order.
   */
  appendEdit<T>(kind: EditKind, edit: { by: string; at: number; body: T }, ifLastSeq: number): Promise<number | undefined>;
  /** Every edit of the kind, in seq order. */
  edits<T>(kind: EditKind): Promise<StoredEdit<T>[]>;
  /** The newest edit's seq, of either kind; 0 when there is none. */
  lastEditSeq(): Promise<number>;

  close(): Promise<void>;
}
