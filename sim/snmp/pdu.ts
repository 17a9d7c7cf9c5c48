// One simulated PDU: a net-snmp agent on a private loopback port serving a profile's layout, and a UDP
// proxy on the public port that can drop, delay or garble the agent's answers on demand.
import { createSocket, type RemoteInfo, type Socket } from 'node:dgram';
import snmp from 'net-snmp';
import { netSnmpUser, type SnmpV3User } from '../../gateway/drivers/snmp/session.js';
import type { ResolvedSnmpProfile } from '../../gateway/profiles/snmp-resolve.js';
import { layoutPdu, type CellKind, type CellValue, type PduLayout, type UnitState } from './layout.js';
import { PduLoad } from './load.js';
import { freeUdpPort } from '../wiring.js';

export const PDU_FAULTS = ['none', 'dead', 'slow', 'stale'] as const;
export type PduFault = { mode: (typeof PDU_FAULTS)[number]; delayMs?: number };

export interface SimPduOptions {
  profile: ResolvedSnmpProfile;
  host: string;
  port: number;
  outlets: number;
  units: readonly number[];
  seed: number;
  community: string;
  user?: SnmpV3User;
  speed?: number;
  now: () => number;
}

const TYPES: Record<CellKind, number> = {
  int: snmp.ObjectType.Integer,
  gauge: snmp.ObjectType.Gauge32,
  counter64: snmp.ObjectType.Counter64,
  text: snmp.ObjectType.OctetString,
};

function toSnmp(kind: CellKind, v: CellValue): unknown {
  if (kind === 'text') return String(v);
  if (kind === 'counter64') {
    const b = Buffer.alloc(8);
    b.writeBigUInt64BE(BigInt.asUintN(64, BigInt(v)));
    return b;
  }
  const n = Number(v);
  return kind === 'gauge' ? Math.min(0xffffffff, Math.max(0, n)) : Math.max(-0x80000000, Math.min(0x7fffffff, n));
}

const udpBind = (s: Socket, port: number, host: string) =>
  new Promise<void>((resolve, reject) => {
    s.once('error', reject);
    s.bind(port, host, () => {
      s.off('error', reject);
      resolve();
    });
  });

export class SimPdu {
  fault: PduFault = { mode: 'none' };
  readonly units: Map<number, { load: PduLoad; serial: string; resetTime: string; swaps: number }> = new Map();
  readonly opt: SimPduOptions;
  private agent: ReturnType<typeof snmp.createAgent> | undefined;
  private mib: ReturnType<typeof snmp.createMib> | undefined;
  private layout: PduLayout;
  private names = new Map<string, string>();
  private proxy: Socket | undefined;
  private upstreams = new Map<string, Socket>();
  private agentPort = 0;
  private startedMs: number;

  constructor(opt: SimPduOptions) {
    this.opt = opt;
    this.startedMs = opt.now();
    this.layout = layoutPdu(opt.profile, { outlets: opt.outlets, units: opt.units });
    for (const u of opt.units) {
      this.units.set(u, {
        load: new PduLoad(opt.outlets, opt.seed * 10 + u, opt.now(), opt.speed ?? 1),
        serial: this.serialFor(u, 0),
        resetTime: stamp(opt.now()),
        swaps: 0,
      });
    }
  }

  get address(): string {
    return `${this.opt.host}:${this.opt.port}`;
  }

  private serialFor(unit: number, swaps: number): string {
    return `SIM${String(this.opt.seed).padStart(4, '0')}U${unit}${swaps ? `S${swaps}` : ''}`;
  }

  unitState(unit: number, nowMs = this.opt.now()): UnitState {
    const u = this.units.get(unit)!;
    return { truth: u.load.advance(nowMs), serial: u.serial, model: `${this.opt.profile.model} (simulated)`, resetTime: u.resetTime };
  }

  resetCounters(): void {
    for (const u of this.units.values()) {
      u.load.resetEnergy();
      u.resetTime = stamp(this.opt.now());
    }
    this.refresh();
  }

  swap(): void {
    for (const [n, u] of this.units) {
      u.swaps++;
      u.serial = this.serialFor(n, u.swaps);
      u.load = new PduLoad(this.opt.outlets, this.opt.seed * 10 + n + u.swaps * 1000, this.opt.now(), this.opt.speed ?? 1);
      u.resetTime = stamp(this.opt.now());
    }
    this.startedMs = this.opt.now(); // a new PDU: its agent has just started
    this.refresh();
  }

  async start(): Promise<void> {
    this.agentPort = await freeUdpPort();
    const mib = snmp.createMib();
    this.mib = mib;
    this.register(mib);
    this.agent = snmp.createAgent(
      { port: this.agentPort, address: '127.0.0.1', disableAuthorization: false, accessControlModelType: snmp.AccessControlModelType.None },
      () => {},
      mib,
    );
    this.agent.getAuthorizer().addCommunity(this.opt.community);
    if (this.opt.user) this.agent.getAuthorizer().addUser(netSnmpUser(this.opt.user));
    this.refresh();
    await this.startProxy();
  }

  /** Puts the current truth into every cell. */
  refresh(): void {
    const mib = this.mib;
    if (!mib) return;
    const now = this.opt.now();
    const states = new Map([...this.units.keys()].map((u) => [u, this.unitState(u, now)]));
    const primary = states.get(this.opt.units[0]!)!;
    this.layout.tables.forEach((t, i) => {
      const name = `t${i}`;
      for (const row of t.rows) {
        const st = states.get(row.unit) ?? primary;
        for (const [col, cell] of row.cells) mib.setTableSingleCell(name, col, row.index, toSnmp(t.kinds.get(col)!, cell(st)));
      }
    });
    this.layout.scalars.forEach((s) => mib.setScalarValue(this.names.get(s.oid)!, toSnmp(s.kind, s.cell(primary))));
    mib.setScalarValue('sysUpTime', Math.floor((now - this.startedMs) / 10) % 2 ** 32);
  }

  private register(mib: ReturnType<typeof snmp.createMib>): void {
    const sysObjectId = this.opt.profile.snmp.sysObjectIds[0] ?? '1.3.6.1.4.1.99999';
    mib.registerProvider({
      name: 'sysObjectID',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.2.1.1.2',
      scalarType: snmp.ObjectType.OID,
      maxAccess: snmp.MaxAccess['read-only'],
    });
    mib.registerProvider({
      name: 'sysUpTime',
      type: snmp.MibProviderType.Scalar,
      oid: '1.3.6.1.2.1.1.3',
      scalarType: snmp.ObjectType.TimeTicks,
      maxAccess: snmp.MaxAccess['read-only'],
    });
    mib.setScalarValue('sysObjectID', sysObjectId);
    mib.setScalarValue('sysUpTime', 0);
    this.layout.scalars.forEach((s, i) => {
      const name = `s${i}`;
      this.names.set(s.oid, name);
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Scalar,
        oid: s.oid.replace(/\.0$/, ''),
        scalarType: TYPES[s.kind],
        maxAccess: snmp.MaxAccess['read-only'],
      });
      mib.setScalarValue(name, toSnmp(s.kind, s.kind === 'text' ? '' : 0));
    });
    this.layout.tables.forEach((t, i) => {
      const name = `t${i}`;
      const valueCols = [...t.kinds.keys()].sort((a, b) => a - b);
      const base = Math.max(...valueCols, 0) + 1;
      const indexCols = t.indexNames.map((n, k) => ({
        number: base + k,
        name: `${name}_${n}`,
        type: snmp.ObjectType.Integer,
        maxAccess: snmp.MaxAccess['not-accessible'],
      }));
      mib.registerProvider({
        name,
        type: snmp.MibProviderType.Table,
        oid: `${t.oid}.1`,
        maxAccess: snmp.MaxAccess['not-accessible'],
        tableColumns: [
          ...valueCols.map((c) => ({
            number: c,
            name: `${name}_c${c}`,
            type: TYPES[t.kinds.get(c)!],
            maxAccess: snmp.MaxAccess['read-only'],
          })),
          ...indexCols,
        ],
        tableIndex: indexCols.map((c) => ({ columnName: c.name })),
      });
      for (const row of t.rows) {
        const empty = valueCols.map((c) => toSnmp(t.kinds.get(c)!, t.kinds.get(c) === 'text' ? '' : 0));
        mib.addTableRow(name, [...empty, ...row.index]);
      }
    });
  }

  private async startProxy(): Promise<void> {
    const proxy = createSocket('udp4');
    this.proxy = proxy;
    let lastReply: Buffer | undefined;
    proxy.on('message', (msg, client) => {
      if (this.fault.mode === 'dead') return;
      this.refreshIfStale();
      this.upstream(client, (reply) => {
        const send = () => {
          if (this.stopped) return;
          if (this.fault.mode === 'stale' && lastReply) proxy.send(lastReply, client.port, client.address); // an old answer first: wrong request id
          lastReply = reply;
          proxy.send(reply, client.port, client.address);
        };
        if (this.fault.mode === 'slow') {
          const timer: NodeJS.Timeout = setTimeout(() => {
            this.timers.delete(timer);
            send();
          }, this.fault.delayMs ?? 2000);
          this.timers.add(timer);
        } else send();
      }).send(msg, this.agentPort, '127.0.0.1');
    });
    await udpBind(proxy, this.opt.port, this.opt.host);
  }

  private lastRefreshMs = 0;
  private lastRefreshSimMs = 0;
  /** At most once a second of real time or of the simulator's clock (a demo's warped clock jumps hours). */
  private refreshIfStale(): void {
    const now = Date.now();
    const sim = this.opt.now();
    if (now - this.lastRefreshMs < 1000 && Math.abs(sim - this.lastRefreshSimMs) < 1000) return;
    this.lastRefreshMs = now;
    this.lastRefreshSimMs = sim;
    this.refresh();
  }

  private upstream(client: RemoteInfo, onReply: (b: Buffer) => void): Socket {
    const key = `${client.address}:${client.port}`;
    let s = this.upstreams.get(key);
    if (!s) {
      s = createSocket('udp4');
      s.on('message', (b) => this.upstreamHandlers.get(key)?.(b));
      s.on('error', () => {});
      this.upstreams.set(key, s);
    }
    this.upstreamHandlers.set(key, onReply);
    return s;
  }

  private upstreamHandlers = new Map<string, (b: Buffer) => void>();

  private stopped = false;
  private readonly timers = new Set<NodeJS.Timeout>();

  async stop(): Promise<void> {
    this.stopped = true;
    for (const t of this.timers) clearTimeout(t);
    for (const s of this.upstreams.values()) s.close();
    this.upstreams.clear();
    await new Promise<void>((r) => (this.proxy ? this.proxy.close(() => r()) : r()));
    await new Promise<void>((r) => (this.agent ? this.agent.close(() => r()) : r()));
  }
}

function stamp(ms: number): string {
  const d = new Date(ms);
  const p = (n: number) => String(n).padStart(2, '0');
  return `${p(d.getUTCMonth() + 1)}/${p(d.getUTCDate())}/${d.getUTCFullYear()} ${p(d.getUTCHours())}:${p(d.getUTCMinutes())}:${p(d.getUTCSeconds())}`;
}
