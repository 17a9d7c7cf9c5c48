// eslint-disable-next-line @typescript-eslint/triple-slash-reference -- ts-node under tap loads only referenced files; this brings the untyped package's declaration along
/// <reference path="./aedes-persistence-level.d.ts" />
// The embedded MQTT broker: aedes with its sessions and queued QoS 1 messages in a level database (so they
// survive a restart), a TCP listener and an optional TLS one, every client authenticated and confined
// (security.ts). Gateways' publishes pass through a gate before aedes acknowledges them: aedes writes the
// QoS 1 PUBACK *before* it delivers to subscribers (lib/handlers/publish.js, enqueuePublish), so a slow
// in-process subscriber cannot hold the PUBACK back; authorizePublish runs before it and can.
import { mkdir, readFile } from 'node:fs/promises';
import { createServer as createTcpServer, type Server, type Socket } from 'node:net';
import { join } from 'node:path';
import { createServer as createTlsServer } from 'node:tls';
import { Aedes, type Client, type PublishPacket } from 'aedes';
import persistenceLevel from 'aedes-persistence-level';
import { Level } from 'level';
import type { Logger } from 'pino';
import { ROLES, type Principal, type Role } from './acl.js';
import type { BrokerSecurity } from './security.js';

export interface EmbeddedBrokerOptions {
  /** Sessions, subscriptions, retained and queued messages live here (a level database). */
  dataDir: string;
  tcp?: { host: string; port: number };
  tls?: { host: string; port: number; certFile: string; keyFile: string; caFile?: string; requestClientCert?: boolean };
  /** A subscriber whose socket does not drain within this is disconnected (aedes drainTimeout). */
  drainTimeoutMs?: number;
  /** Messages aedes routes at once (mqemitter concurrency). */
  concurrency?: number;
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
  persistence: { destroy(): Promise<void> };
  servers: Server[];
  sockets: Set<Socket>;
}

export class EmbeddedBroker {
  private running: Running | undefined;
  private readonly principals = new WeakMap<Client, Principal>();
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
    const db = new Level(join(o.dataDir, 'aedes'));
    await db.open();
    const persistence = persistenceLevel(db);
    const aedes = await Aedes.createBroker({
      persistence,
      concurrency: o.concurrency ?? 100,
      drainTimeout: o.drainTimeoutMs ?? 30_000,
      authenticate: (client, username, password, done) => this.authenticate(client, username, password, done),
      authorizePublish: (client, packet, done) => this.authorizePublish(client, packet, done),
      authorizeSubscribe: (client, sub, done) => {
        const p = this.principals.get(client);
        done(null, p && this.deps.security.subscribe(p, client.id, sub.topic) ? sub : null);
      },
      authorizeForward: (_client, packet) => (this.dropped.has(packet.payload as Buffer) ? null : packet),
    });
    aedes.on('clientError', (client, err) => this.deps.log.debug({ clientId: client.id, err: err.message }, 'client error'));
    aedes.on('connectionError', (_client, err) => this.deps.log.debug({ err: err.message }, 'connection error'));
    const sockets = new Set<Socket>();
    const handle = (s: Socket) => {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      s.on('error', () => undefined);
      aedes.handle(s);
    };
    this.running = { aedes, persistence, servers: [], sockets };
    const ports: { tcpPort?: number; tlsPort?: number } = {};
    try {
      if (o.tcp) ports.tcpPort = await this.listen(createTcpServer(handle), o.tcp);
      if (o.tls) {
        const [cert, key, ca] = await Promise.all([readFile(o.tls.certFile), readFile(o.tls.keyFile), o.tls.caFile ? readFile(o.tls.caFile) : undefined]);
        const server = createTlsServer({ cert, key, ...(ca ? { ca } : {}), requestCert: o.tls.requestClientCert ?? false, rejectUnauthorized: o.tls.requestClientCert ?? false }, handle);
        server.on('tlsClientError', (err) => this.deps.log.debug({ err: err.message }, 'TLS handshake failed'));
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

  private authenticate(client: Client, username: string | undefined, password: Buffer | undefined, done: (err: (Error & { returnCode: number }) | null, ok: boolean | null) => void): void {
    const holderOf = (id: string) => {
      const holder = (this.running?.aedes as unknown as { clients: Record<string, Client> } | undefined)?.clients[id];
      return holder ? this.principals.get(holder)?.username ?? '' : undefined;
    };
    this.deps.security.connect(client.id, username, password, holderOf).then((d) => {
      if (d.ok) {
        this.principals.set(client, d.principal);
        done(null, true);
      } else {
        done(Object.assign(new Error(`refused: ${d.reason}`), { returnCode: d.returnCode }), false);
      }
    }, (err: unknown) => done(Object.assign(new Error(String(err)), { returnCode: 3 }), false));
  }

  private authorizePublish(client: Client | null, packet: PublishPacket, done: (err?: Error | null) => void): void {
    // client is null only for a stored Last Will whose client is long gone; it was checked when set.
    const principal = client ? this.principals.get(client) : undefined;
    if (client && (!principal || !this.deps.security.publish(principal, client.id, packet.topic))) {
      // MQTT 3.1.1 has no negative PUBACK: aedes closes the connection (MQTT-3.3.5-2).
      done(new Error('publish not permitted'));
      return;
    }
    const gate = this.deps.gate;
    if (!gate || (principal && principal.role !== 'gateway')) {
      done(null);
      return;
    }
    const payload = Buffer.isBuffer(packet.payload) ? packet.payload : Buffer.from(packet.payload);
    packet.payload = payload;
    const answered = gate.admit({ clientId: client?.id, principal, topic: packet.topic, payload, gone: () => client?.closed ?? false }).then((d) => {
      if (d === 'drop') {
        // Acknowledged, so the gateway does not resend it forever, but neither forwarded nor retained.
        this.dropped.add(payload);
        packet.retain = false;
      }
      done(null);
    }, (err: unknown) => done(err instanceof Error ? err : new Error(String(err))))
      .catch((err: unknown) => this.deps.log.error({ err: String(err), topic: packet.topic }, 'answering a gated publish failed'));
    this.gated.add(answered);
    void answered.finally(() => this.gated.delete(answered));
  }
}

