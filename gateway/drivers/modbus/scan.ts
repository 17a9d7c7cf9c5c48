// Finds the meters on a bus and names each one's profile: what an installer runs when wiring a room.
// An absent unit costs one timeout; a present one answers every probe (with data or an exception).
import type { Logger } from 'pino';
import type { Reading } from '../../../protocol/reading.js';
import type { Clock } from '../../../common/clock.js';
import type { ProfileCatalog } from '../../profiles/load.js';
import type { ResolvedProfile } from '../../profiles/resolve.js';
import type { ModbusBus } from './bus.js';
import { ModbusDevice, fnCode } from './device.js';
import { probeMatches } from './identify.js';

export interface ScanHit {
  unit: number;
  profile?: string;
  manufacturer?: string;
  model?: string;
  serial?: string;
  latencyMs?: number;
  readings: Reading[];
}

export interface ScanDeps {
  bus: ModbusBus;
  profiles: ProfileCatalog;
  clock: Clock;
  log: Logger;
}

export async function scanBus(
  deps: ScanDeps,
  units: readonly number[],
  timeoutMs: number,
  onProgress?: (unit: number) => void,
): Promise<ScanHit[]> {
  const ordered = [...deps.profiles.values()].sort((a, b) => b.identifyPriority - a.identifyPriority || a.id.localeCompare(b.id));
  const hits: ScanHit[] = [];
  for (const unit of units) {
    onProgress?.(unit);
    const hit = await scanUnit(deps, ordered, unit, timeoutMs);
    if (hit) hits.push(hit);
  }
  return hits;
}

async function scanUnit(
  deps: ScanDeps,
  ordered: readonly ResolvedProfile[],
  unit: number,
  timeoutMs: number,
): Promise<ScanHit | undefined> {
  let answered = false;
  for (const profile of ordered) {
    let all = true;
    for (const probe of profile.identify) {
      const o = await deps.bus.read({ unit, fn: fnCode(probe), address: probe.address, count: probe.words }, timeoutMs);
      if (o.kind === 'data' || o.kind === 'exception') answered = true;
      else if (!answered) return undefined; // nobody at this address
      if (o.kind !== 'data' || !probeMatches(probe, o.words)) {
        all = false;
        break;
      }
    }
    if (all) return describe(deps, profile, unit, timeoutMs);
  }
  return answered ? { unit, readings: [] } : undefined;
}

async function describe(deps: ScanDeps, profile: ResolvedProfile, unit: number, timeoutMs: number): Promise<ScanHit> {
  const device = new ModbusDevice({
    options: { id: `unit-${unit}`, unit, timeoutMs, retries: 1, backoffBaseMs: 0, backoffMaxMs: 0 },
    profile,
    bus: deps.bus,
    clock: deps.clock,
    log: deps.log,
  });
  const serial = await device.readSerial();
  const first = await device.poll('full');
  const lat = device.counters.snapshot().latency;
  return {
    unit,
    profile: profile.id,
    manufacturer: profile.manufacturer,
    model: profile.model,
    serial,
    latencyMs: Math.round(lat.meanMs * 10) / 10,
    readings: first.readings,
  };
}
