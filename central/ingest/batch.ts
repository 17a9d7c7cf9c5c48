// The seam between ingest (MQTT side) and storage: a validated message from one gateway, and the sink
// that stores it. Ingest acknowledges a message to the broker only after the sink's promise resolves.
import type {
  ActiveAlertsMessage,
  AlertsMessage,
  EventsMessage,
  MetaMessage,
  ReadingsMessage,
  StatusMessage,
} from '../../protocol/wire.js';

export type ValidatedMessage =
  | { kind: 'readings'; message: ReadingsMessage }
  | { kind: 'events'; message: EventsMessage }
  | { kind: 'alerts'; message: AlertsMessage }
  /** The gateway's retained snapshot of its active alerts; central keeps its own from the alerts stream. */
  | { kind: 'active'; message: ActiveAlertsMessage }
  | { kind: 'status'; message: StatusMessage }
  | { kind: 'meta'; message: MetaMessage };

/** One MQTT message that passed validation, with where it came from (the topic's site and gateway). */
export type IngestBatch = ValidatedMessage & { site: string; gateway: string; receivedAt: number };

export interface StoreResult {
  /** Readings, events or alerts that were new. */
  inserted: number;
  /** Items already stored under the same identity (a replay after reconnect): ignored. */
  duplicates: number;
}

/**
 * Storage side of ingest. `store` writes all batches in one transaction and resolves only once it is
 * durably committed (SQLite: WAL + synchronous FULL; PostgreSQL: COMMIT). Idempotent: storing the same
 * batch twice changes nothing. Results are in the order of the batches.
 */
export interface IngestSink {
  store(batches: readonly IngestBatch[]): Promise<StoreResult[]>;
}
