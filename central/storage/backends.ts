// The one place that tells SQLite from PostgreSQL: central.yaml's storage section picks a backend from this
// table, and the backend opens each store on that database. The composition root (central/main.ts) and the
// commands open their stores through it and pass them on; no other code asks which database it is.
// Each store is opened when a command needs it and closed on its own, on a connection (or pool) of its own.
import type { Logger } from 'pino';
import type { CentralConfig } from '../config/central-schema.js';
import { openPostgresAccessStore } from './access/postgres.js';
import { openSqliteAccessStore } from './access/sqlite.js';
import type { AccessStore } from './access/types.js';
import { openPostgresBillingStore } from './billing/postgres.js';
import { openSqliteBillingStore } from './billing/sqlite.js';
import type { BillingStore } from './billing/types.js';
import type { EditStore } from './edits/types.js';
import { openPostgresStore } from './readings/postgres/store.js';
import { openSqliteStore } from './readings/sqlite/store.js';
import type { CentralStore } from './readings/types.js';

export type StorageConfig = CentralConfig['storage'];
type SqliteConfig = Extract<StorageConfig, { sqlite: unknown }>['sqlite'];
type PostgresConfig = Extract<StorageConfig, { postgres: unknown }>['postgres'];

export interface ReadingsOpenOptions {
  /** The operator asked for a new database (`--new-database`): made where none is, or on an empty SQLite file. */
  newDatabase?: boolean;
  /** SQLite: write on a thread of its own; central.yaml's `writerThread` when not given. */
  writerThread?: boolean;
}

export interface StorageBackend {
  kind: 'sqlite' | 'postgres';
  /**
   * The readings store (readings, events, alerts, gateways); the first store a command opens, so the
   * database's checks (an empty or damaged file, `create: never`) and a new database's making happen here.
   */
  openReadings(log: Logger, opts?: ReadingsOpenOptions): Promise<CentralStore>;
  /** The API's users, tokens and sessions, and the operators' model edits: one connection serves both. */
  openAccess(log: Logger): Promise<AccessStore & EditStore>;
  /** Invoice runs, invoices, notes, number counters and run locks. */
  openBilling(log: Logger): Promise<BillingStore & { close(): Promise<void> | void }>;
}

/** The backends by the key of central.yaml's storage section. */
export const STORAGE_BACKENDS = {
  sqlite: (s: SqliteConfig): StorageBackend => ({
    kind: 'sqlite',
    openReadings: (log, opts = {}) =>
      openSqliteStore({
        file: s.file,
        writerThread: opts.writerThread ?? s.writerThread,
        create: s.create,
        ...(opts.newDatabase ? { newDatabase: true } : {}),
        log,
      }),
    openAccess: async (log) => openSqliteAccessStore({ file: s.file, log }),
    openBilling: async (log) => openSqliteBillingStore({ file: s.file, log }),
  }),
  postgres: (p: PostgresConfig): StorageBackend => ({
    kind: 'postgres',
    openReadings: (log, opts = {}) =>
      openPostgresStore({ connectionString: p.url, schema: p.schema, create: opts.newDatabase ? 'if-missing' : p.create, log }),
    openAccess: (log) => openPostgresAccessStore({ connectionString: p.url, schema: p.schema, log }),
    openBilling: (log) => openPostgresBillingStore({ connectionString: p.url, schema: p.schema, log }),
  }),
} as const;

/** The backend central.yaml's storage section names. */
export function storageBackend(storage: StorageConfig): StorageBackend {
  return 'sqlite' in storage ? STORAGE_BACKENDS.sqlite(storage.sqlite) : STORAGE_BACKENDS.postgres(storage.postgres);
}
