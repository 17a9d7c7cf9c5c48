// Limits on a connection before aedes sees its bytes: a packet announcing more than the largest packet
// the wire contract allows closes the connection at once (aedes' parser would buffer it whole), and a
// connection that has not signed in within the connect timeout is closed (idle or trickling sockets
// cost a file descriptor and, mid-packet, memory).
//
// aedes consumes a connection only through `conn.read(null)` on 'readable' (aedes 1.2.0 lib/client.js,
// nextBatch), so the scanner sits on that method of this one socket; no extra stream per connection.
import type { Duplex } from 'node:stream';
import { PacketSizeScanner } from './packet-size.js';

export type GuardRefusal = 'packet_too_large' | 'connect_timeout';

export interface ConnectionGuardDeps {
  options: { maxPacketBytes: number; connectTimeoutMs: number };
  /** Counts and logs the refusal; `fields` names the connection. */
  refuse(reason: GuardRefusal, fields: Record<string, unknown>): void;
  /** Who the connection is, for the refusal's log line (address, client id once known). */
  describe(): Record<string, unknown>;
}

export interface ConnectionGuard {
  /** The CONNECT was answered: the connect timeout no longer applies. */
  signedIn(): void;
}

export function guardConnection(conn: Duplex, deps: ConnectionGuardDeps): ConnectionGuard {
  const scanner = new PacketSizeScanner(deps.options.maxPacketBytes);
  const read = conn.read.bind(conn);
  conn.read = (size?: number): unknown => {
    const chunk: unknown = read(size);
    if (Buffer.isBuffer(chunk) && !conn.destroyed) {
      const announced = scanner.feed(chunk);
      if (announced !== undefined) {
        deps.refuse('packet_too_large', {
          ...deps.describe(),
          announcedBytes: Number.isFinite(announced) ? announced : 'malformed',
          maxPacketBytes: deps.options.maxPacketBytes,
        });
        conn.destroy();
        return null;
      }
    }
    return chunk;
  };
  const timer = setTimeout(() => {
    deps.refuse('connect_timeout', { ...deps.describe(), connectTimeoutMs: deps.options.connectTimeoutMs });
    conn.destroy();
  }, deps.options.connectTimeoutMs);
  timer.unref();
  conn.once('close', () => clearTimeout(timer));
  return { signedIn: () => clearTimeout(timer) };
}
