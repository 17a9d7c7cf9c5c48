// Finds PDUs among hosts and names each one's profile: by sysObjectID first, then by probing the OID only
// one family answers. Hosts are scanned in parallel under a bound; a silent host costs one timeout.
import type { Logger } from 'pino';
import type { Reading } from '../../../protocol/reading.js';
import type { Clock } from '../../../common/clock.js';
import { Limiter } from '../../polling/limiter.js';
import type { SnmpCatalog } from '../../profiles/load.js';
import type { ResolvedSnmpProfile } from '../../profiles/snmp-resolve.js';
import { SnmpAgent, SYS_OBJECT_ID } from './agent.js';
import { SnmpClient, type SnmpTarget } from './session.js';
import { oidUnder, snmpText } from './values.js';

export interface SnmpScanUnit {
  device: string;
  serial?: string;
  model?: string;
  inlets: number;
  phases: number;
  outlets: number;
  readings: Reading[];
}

export interface SnmpScanHit {
  host: string;
  port: number;
  sysObjectId?: string;
  profile?: string;
  manufacturer?: string;
  units: SnmpScanUnit[];
}

export function profileBySysObjectId(catalog: SnmpCatalog, sysObjectId: string): ResolvedSnmpProfile | undefined {
  return [...catalog.values()].find((p) => p.snmp.sysObjectIds.some((prefix) => oidUnder(sysObjectId, prefix)));
}

export interface SnmpScanDeps {
  catalog: SnmpCatalog;
  clock: Clock;
  log: Logger;
}

export async function scanSnmp(
  deps: SnmpScanDeps,
  hosts: readonly string[],
  target: Omit<SnmpTarget, 'host'>,
  concurrency = 32,
): Promise<SnmpScanHit[]> {
  const limiter = new Limiter(concurrency);
  const hits = await Promise.all(hosts.map((host) => limiter.run(() => scanHost(deps, { ...target, host }))));
  return hits.filter((h): h is SnmpScanHit => h !== undefined);
}

async function scanHost(deps: SnmpScanDeps, target: SnmpTarget): Promise<SnmpScanHit | undefined> {
  const client = new SnmpClient(target);
  try {
    const [sysOid] = await client.get([SYS_OBJECT_ID]).catch(() => [undefined]);
    const sysObjectId = snmpText(sysOid);
    if (sysObjectId === undefined) return undefined;
    let profile = profileBySysObjectId(deps.catalog, sysObjectId);
    for (const p of deps.catalog.values()) {
      if (profile) break;
      if (!p.snmp.probe) continue;
      const [v] = await client.get([p.snmp.probe]).catch(() => [undefined]);
      if (v !== undefined) profile = p;
    }
    const hit: SnmpScanHit = { host: target.host, port: target.port, sysObjectId, units: [] };
    if (!profile) return hit;
    const agent = new SnmpAgent({
      options: { id: target.host, budgetMs: target.timeoutMs * (target.retries + 1) * 8, backoffBaseMs: 0, backoffMaxMs: 0 },
      profile,
      client,
      limiter: new Limiter(1),
      clock: deps.clock,
      log: deps.log,
    });
    const r = await agent.poll('full');
    const devices = [...new Set([...(r.identities ?? []).map((i) => i.device), ...r.readings.map((x) => x.device)])];
    const count = (rs: Reading[], prefix: string) => rs.filter((x) => x.channel.startsWith(prefix)).length;
    hit.profile = profile.id;
    hit.manufacturer = profile.manufacturer;
    hit.units = devices.map((device) => {
      const id = r.identities?.find((i) => i.device === device);
      const rs = r.readings.filter((x) => x.device === device);
      return {
        device,
        serial: id?.serial || undefined,
        model: id?.model || undefined,
        inlets: count(rs, 'inlet:'),
        phases: count(rs, 'phase:') + count(rs, 'pole:') + rs.filter((x) => /^l[123]$/.test(x.channel)).length,
        outlets: count(rs, 'outlet:'),
        readings: rs,
      };
    });
    return hit;
  } finally {
    client.close();
  }
}
