// Builds a gateway-side bus and devices against a simulator, the way gateway/builders/acquisition.ts does.
import { systemClock } from '../../common/clock.js';
import type { Bus } from '../../gateway/config/schema.js';
import { Bus as BusSchema } from '../../gateway/config/schema.js';
import { ModbusBus } from '../../gateway/drivers/modbus/bus.js';
import { busKinds } from '../../gateway/drivers/modbus/bus-kinds.js';
import { ModbusDevice } from '../../gateway/drivers/modbus/device.js';
import { loadProfiles, type ProfileCatalog } from '../../gateway/profiles/load.js';
import { BUILTIN_PROFILES_DIR } from '../../gateway/paths.js';
import type { Reading } from '../../protocol/reading.js';
import type { Truth } from '../../sim/modbus/physics.js';
import { encodeValue } from '../../sim/modbus/encode.js';
import { decodeNumeric } from '../../gateway/drivers/modbus/decode.js';
import type { ResolvedProfile } from '../../gateway/profiles/resolve.js';
import type { Test } from 'tap';
import { startModbusSim, type ModbusSim } from '../../sim/modbus/start.js';
import { ptyPair, quietLog, type PtyPair } from './env.js';

let catalog: Promise<ProfileCatalog> | undefined;
export function builtinProfiles(): Promise<ProfileCatalog> {
  catalog ??= loadProfiles([BUILTIN_PROFILES_DIR]);
  return catalog;
}

export function makeBus(raw: Record<string, unknown>): ModbusBus {
  const bus: Bus = BusSchema.parse({ id: 'test-bus', ...raw });
  const kind = busKinds.get(bus.type);
  return new ModbusBus({ options: kind.options(bus), link: kind.link(bus), clock: systemClock, log: quietLog });
}

export async function makeDevice(
  bus: ModbusBus,
  profileId: string,
  unit: number,
  opts: Partial<{ timeoutMs: number; retries: number; backoffBaseMs: number }> = {},
): Promise<ModbusDevice> {
  const profile = (await builtinProfiles()).get(profileId);
  if (!profile) throw new Error(`no profile ${profileId}`);
  return new ModbusDevice({
    options: {
      id: `${profileId}-${unit}`,
      unit,
      timeoutMs: opts.timeoutMs ?? 300,
      retries: opts.retries ?? 1,
      backoffBaseMs: opts.backoffBaseMs ?? 0,
      backoffMaxMs: 60_000,
    },
    profile,
    bus,
    clock: systemClock,
    log: quietLog,
  });
}

/**
 * Every decoded value against the simulator's truth as the meter would quantise it (truth -> registers -> value),
 * so integer scaling and float32 rounding are expected, and anything else (a wrong register, a slicing error,
 * a word-order slip) shows as a mismatch.
 */
export function compareWithTruth(
  readings: readonly Reading[],
  profile: ResolvedProfile,
  truth: Truth,
): { checked: number; mismatches: string[] } {
  const mismatches: string[] = [];
  let checked = 0;
  for (const f of profile.fields) {
    const r = readings.find((x) => x.channel === f.channel && x.values[f.measurement] !== undefined);
    if (!r) {
      mismatches.push(`${f.key}: missing`);
      continue;
    }
    const d = decodeNumeric(encodeValue(truth[f.channel]?.[f.measurement] ?? 0, f), f);
    const want = d.ok ? d.value : NaN;
    checked++;
    if (r.values[f.measurement] !== want) mismatches.push(`${f.key}: got ${r.values[f.measurement]}, truth ${want}`);
  }
  return { checked, mismatches };
}

/** An ABB B23 simulator at `unit` on an RS-485 line (a socat pty pair, 19200 8E1), frozen at nowMs; the client end is `pty.b`. */
export async function abbB23OnPty(t: Test, unit: number, nowMs: number): Promise<{ pty: PtyPair; sim: ModbusSim }> {
  const pty = await ptyPair();
  t.teardown(() => pty.close());
  const abb = (await builtinProfiles()).get('abb-b23')!;
  const line = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;
  const sim = await startModbusSim({ wire: { kind: 'serial', path: pty.a, line }, meters: [{ unit, profile: abb }], now: () => nowMs });
  t.teardown(() => sim.close());
  return { pty, sim };
}
