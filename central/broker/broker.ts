// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ts-node under tap loads only referenced files; this brings the untyped package's declaration along
/// <reference path="./aedes-persistence-level.d.ts" />
// The embedded MQTT broker: aedes with its sessions and queued QoS 1 messages in a level database (so they
// survive a restart), a TCP listener and an optional TLS one, every client authenticated and confined
// (security.ts). Gateways' publishes pass through a gate before aedes acknowledges them: aedes writes the
// QoS 1 PUBACK *before* it delivers to subscribers (lib/handlers/publish.js, enqueuePublish), so a slow
// in-process subscriber cannot hold the PUBACK back; authorizePublish runs before it and can.
// Every connection is guarded before aedes parses it (packet size, time to sign in: connection-guard.ts);
// sessions and wills are bound to the user who made them (client-owners.ts, stale-wills.ts).
import type { EventEmitter } from 'node:events';
import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type Client, type ConnectPacket, type PublishPacket } from 'aedes';
import persistenceLevel, { type LevelPersistence, type StoredWill } from 'aedes-persistence-level';
import { Level } from 'level';
import type { Logger } from 'pino';
import { MAX_PACKET_BYTES } from '../../protocol/wire.js';
import { ROLES, type Principal, type Role } from './acl.js';
import { ClientOwners } from './client-owners.js';
import { guardConnection, type ConnectionGuard } from './connection-guard.js';
import type { BrokerSecurity } from './security.js';
import { sweepStaleWills } from './stale-wills.js';

export interface EmbeddedBrokerOptions {
  /** Sessions, subscriptions, retained and queued messages live here (a level database). */
  dataDir: string;
  tcp?: { host: string; port: number };
  tls?: { host: string; port: number; certFile: string; keyFile: string; caFile?: string; requestClientCert?: boolean };
  /** A subscriber whose socket does not drain within this is disconnected (aedes drainTimeout). */
  drainTimeoutMs?: number;
  /** Messages aedes routes at once (mqemitter concurrency). */
  concurrency?: number;
  /** A connection announcing a larger packet is closed before it is read (default: the wire contract's). */
  maxPacketBytes?: number;
  /** A connection that has not signed in (CONNECT answered) within this is closed. */
  connectTimeoutMs?: number;
  /** aedes' heartbeat; wills of clients of an earlier run are published 4 heartbeats after start. */
  heartbeatIntervalMs?: number;
}

/** A gateway's publish, between the ACL and the broker's acknowledgement. */
export interface GatedPublish {
  clientId: string | undefined;
  principal: Principal | undefined;
  topic: string;
  payload: Buffer;
  /** True once the publishing connection has closed; its PUBACK can no longer be sent. */
  gone: () => boolean;
}

export interface PublishGate {
  /** Resolves when the publish may be acknowledged: `forward` it to subscribers too, or `drop` it (invalid). */
  admit(p: GatedPublish): Promise<'forward' | 'drop'>;
  /** Lets what is admitted finish (so its PUBACKs go out) before the broker closes. */
  stop?(timeoutMs: number): Promise<void>;
}

export interface EmbeddedBrokerDeps {
  options: EmbeddedBrokerOptions;
  security: BrokerSecurity;
  gate?: PublishGate;
  log: Logger;
}

interface Running {
  aedes: Aedes;
  persistence: LevelPersistence;
  owners: ClientOwners;
  servers: Server[];
  sockets: Set<Socket>;
}

const DEFAULT_CONNECT_TIMEOUT_MS = 10_000;

export class EmbeddedBroker {
  private running: Running | undefined;
  private readonly principals = new WeakMap<Client, Principal>();
  /** What each connecting client asked for, between preConnect and authenticate. */
  private readonly connects = new WeakMap<Client, ConnectPacket>();
  private readonly guards = new WeakMap<object, ConnectionGuard>();
  /** Payloads the gate dropped: acknowledged to the gateway but never forwarded. */
  private readonly dropped = new WeakSet<Buffer>();
  /** Gated publishes not yet answered; stop() waits for them so their PUBACKs go out first. */
  private readonly gated = new Set<Promise<void>>();

  constructor(private readonly deps: EmbeddedBrokerDeps) {}

  /** The aedes instance, for in-process subscribers and the central node's own publishes. */
  get aedes(): Aedes {
    if (!this.running) throw new Error('broker not started');
    return this.running.aedes;
  }

  /** Clients connected now, by the role they authenticated as (for /metrics: connected gateways). */
  connectedByRole(): Record<Role, number> {
    const counts = Object.fromEntries(ROLES.map((r) => [r, 0])) as Record<Role, number>;
    const clients = (this.running?.aedes as unknown as { clients: Record<string, Client> } | undefined)?.clients ?? {};
    for (const c of Object.values(clients)) {
      const p = this.principals.get(c);
      if (p) counts[p.role]++;
    }
    return counts;
  }

  async start(): Promise<{ tcpPort?: number; tlsPort?: number }> {
    if (this.running) throw new Error('broker already started');
    const o = this.deps.options;
    await mkdir(o.dataDir, { recursive: true });
    const db = new Level<string, unknown>(join(o.dataDir, 'aedes'));
    await db.open();
    const persistence = persistenceLevel(db);
    const owners = await ClientOwners.open(db);
    const connectTimeoutMs = o.connectTimeoutMs ?? DEFAULT_CONNECT_TIMEOUT_MS;
    const aedes = await Aedes.createBroker({
      persistence,
      concurrency: o.concurrency ?? 100,
      drainTimeout: o.drainTimeoutMs ?? 30_000,
      // Ours (connection-guard.ts) closes first and counts; aedes' own only covers the wait for CONNECT.
      connectTimeout: connectTimeoutMs + 1000,
      ...(o.heartbeatIntervalMs ? { heartbeatInterval: o.heartbeatIntervalMs } : {}),
      preConnect: (client, packet, done) => {
        this.connects.set(client, packet);
        done(null, true);
      },
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const p = this.principals.get(client);
        done(null, p && this.deps.security.subscribe(p, client.id, sub.topic) ? sub : null);
      },
      authorizeForward: (_client, packet) => (this.dropped.has(packet.payload as Buffer) ? null : packet),
    });
    aedes.on('clientError', (client, err) => this.deps.log.debug({ clientId: client.id, err }, 'client error'));
    aedes.on('connectionError', (_client, err) => this.deps.log.debug({ err }, 'connection error'));
    // aedes emits 'error' when publishing an earlier run's wills fails (e.g. one refused here); unhandled, it would end the process.
    (aedes as unknown as EventEmitter).on('error', (err: Error) => this.deps.log.warn({ err }, 'broker error'));
    aedes.on('connackSent', (_packet, client) => this.guards.get(client.conn)?.signedIn());
    aedes.on('clientReady', (client) => {
      // A clean session without a will leaves nothing under the client id: it is free again.
      if (client.clean && !(client as unknown as { will: unknown }).will)
        void owners
          .release(client.id, this.principals.get(client)?.username ?? '')
          .catch((err: unknown) => this.deps.log.error({ clientId: client.id, err }, 'releasing a client id failed'));
    });
    this.running = { aedes, persistence, owners, servers: [], sockets: new Set() };
    try {
      await sweepStaleWills({ persistence, owners, security: this.deps.security, log: this.deps.log });
    } catch (err) {
      await this.stop(0);
      throw err;
    }
    const sockets = this.running.sockets;
    const guard = { maxPacketBytes: o.maxPacketBytes ?? MAX_PACKET_BYTES, connectTimeoutMs };
    const handle = (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      const address = s.remoteAddress;
      this.guards.set(
        s,
        guardConnection(s, {
          options: guard,
          refuse: (reason, fields) => this.deps.security.refuseConnection(reason, fields),
          describe: () => ({ address, clientId: (s as unknown as { client?: Client }).client?.id ?? undefined }),
        }),
      );
      aedes.handle(s);
    };
    const ports: { tcpPort?: number; tlsPort?: number } = {};
    try {
      if (o.tcp) ports.tcpPort = await this.listen(createTcpServer(handle), o.tcp);
      if (o.tls) {
        const [cert, key, ca] = await Promise.all([
          readFile(o.tls.certFile),
          readFile(o.tls.keyFile),
          o.tls.caFile ? readFile(o.tls.caFile) : undefined,
        ]);
        const server = createTlsServer(
          {
            cert,
            key,
            ...(ca ? { ca } : {}),
            handshakeTimeout: connectTimeoutMs,
            requestCert: o.tls.requestClientCert ?? false,
            rejectUnauthorized: o.tls.requestClientCert ?? false,
          },
          handle,
        );
        server.on('tlsClientError', (err) => this.deps.log.debug({ err }, 'TLS handshake failed'));
        ports.tlsPort = await this.listen(server, o.tls);
      }
    } catch (err) {
      await this.stop(0);
      throw err;
    }
    this.deps.log.info({ ...ports, dataDir: o.dataDir }, 'embedded broker listening');
    return ports;
  }

  /** Stops accepting, lets admitted publishes finish and be acknowledged, closes clients and the database. */
  async stop(timeoutMs = 10_000): Promise<void> {
    const r = this.running;
    if (!r) return;
    this.running = undefined;
    const closed = r.servers.map((s) => new Promise<void>((resolve) => s.close(() => resolve())));
    await this.deps.gate?.stop?.(timeoutMs);
    await Promise.all(this.gated);
    // The PUBACKs were handed to the sockets; let them be written before the connections close.
    await new Promise((resolve) => setImmediate(resolve));
    await new Promise<void>((resolve) => r.aedes.close(() => resolve()));
    for (const s of r.sockets) s.destroy();
    await Promise.all(closed);
    await r.persistence.destroy();
    this.deps.log.info('embedded broker stopped');
  }

  private listen(server: Server, at: { host: string; port: number }): Promise<number> {
    this.running?.servers.push(server);
    return new Promise((resolve, reject) => {
      server.once('error', reject);
      server.listen(at.port, at.host, () => {
        server.off('error', reject);
        const addr = server.address();
        resolve(typeof addr === 'object' && addr ? addr.port : at.port);
      });
    });
  }

  private authenticate(
    client: Client,
    username: string | undefined,
    password: Buffer | undefined,
    done: (err: (Error & { returnCode: number }) | null, ok: boolean | null) => void,
  ): void {
    const r = this.running;
    const packet = this.connects.get(client);
    this.connects.delete(client);
    if (!r || !packet) {
      done(Object.assign(new Error('refused: broker stopping'), { returnCode: 3 }), false);
      return;
    }
    const clients = (r.aedes as unknown as { clients: Record<string, Client> }).clients;
    this.deps.security
      .connect(
        {
          clientId: client.id,
          username,
          password,
          address: (client.conn as Socket).remoteAddress,
          clean: packet.clean ?? true,
          will: packet.will ? { topic: packet.will.topic } : undefined,
        },
        {
          holderOf: (id) => {
            const holder = clients[id];
            return holder ? (this.principals.get(holder)?.username ?? '') : undefined;
          },
          ownerOf: (id) => r.owners.ownerOf(id),
          hasSession: async (id) => (await r.persistence.subscriptionsByClient({ id })).length > 0,
        },
      )
      .then(async (d) => {
        if (!d.ok) {
          done(Object.assign(new Error(`refused: ${d.reason}`), { returnCode: d.returnCode }), false);
          return;
        }
        if (d.discardSession) {
          // aedes reads the clean flag after authenticate (fetchSubs, emptyQueue): the stored session is dropped.
          packet.clean = true;
          (client as { clean: boolean }).clean = true;
        }
        // Bound before aedes stores the session or will, so a crash in between leaves no state without an owner.
        if (!packet.clean || packet.will || d.discardSession) await r.owners.bind(client.id, d.principal.username);
        this.principals.set(client, d.principal);
        done(null, true);
      })
      .catch((err: unknown) => done(Object.assign(new Error(String(err)), { returnCode: 3 }), false));
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    let principal: Principal | undefined;
    if (client) {
      principal = this.principals.get(client);
      if (!principal || !this.deps.security.publish(principal, client.id, packet.topic)) {
        // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection (MQTT-3.3.5-2).
        done(new Error('publish not permitted'));
        return;
      }
    } else {
      // No client: a Last Will of an earlier run (aedes _clearWills). Checked against the user who set it.
      const will = packet as PublishPacket & Partial<StoredWill>;
      const clientId = will.clientId ?? '';
      principal = this.deps.security.staleWill(clientId, packet.topic, this.running?.owners.ownerOf(clientId));
      if (!principal) {
        void this.running?.persistence.delWill({ id: clientId }).catch(() => undefined);
        done(new Error(`Last Will of ${clientId} not permitted`));
        return;
      }
    }
    const gate = this.deps.gate;
    if (!gate || (principal && principal.role !== 'gateway')) {
      done(null);
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    packet.payload = payload;
    const answered = gate
      .admit({
        clientId: client?.id ?? (packet as Partial<StoredWill>).clientId,
        principal,
        topic: packet.topic,
        payload,
        gone: () => client?.closed ?? false,
      })
      .then(
        (d) => {
          if (d === 'drop') {
            // Acknowledged, so the gateway does not resend it forever, but neither forwarded nor retained.
            this.dropped.add(payload);
            packet.retain = false;
          }
          done(null);
        },
        (err: unknown) => done(err instanceof Error ? err : new Error(String(err))),
      )
      .catch((err: unknown) => this.deps.log.error({ err, topic: packet.topic }, 'answering a gated publish failed'));
    this.gated.add(answered);
    void answered.finally(() => this.gated.delete(answered));
  }
}
