// `joulebook gateway check`: what one try of every device says, judged and laid out for the installer
// standing in the room. Pure: poll results in, rows and a verdict out.
import { isCounter } from '../../protocol/measurements.js';
import type { Reading } from '../../protocol/reading.js';
import type { PollResult } from '../polling/result.js';
import { fmt, renderTable } from '../status/table.js';

export interface DeviceCheck {
  device: string;
  kind: 'modbus' | 'snmp';
  profile: string;
  serial?: string;
  /** Energy and power of the device's total (or first inlet) channel, from the first reading. */
  energyKwh?: number;
  powerW?: number;
  /** Modbus: mean answer time per request; SNMP: one complete read of the agent. */
  latencyMs?: number;
  readings: number;
  /** Anything here makes the check fail. */
  errors: string[];
  /** Worth a look, not a failure (a register the meter refuses, a value it does not have). */
  warnings: string[];
}

export interface BrokerCheck {
  url: string;
  ok: boolean;
  error?: string;
  latencyMs?: number;
}

export interface CheckReport {
  ok: boolean;
  gateway: string;
  devices: DeviceCheck[];
  broker?: BrokerCheck;
}

/** The channel an installer reads from: the meter's total, else a PDU's first inlet. */
export function headline(rs: readonly Reading[]): { energyKwh?: number; powerW?: number } {
  const total = rs.filter((r) => r.channel === 'total' || r.channel === 'inlet:1');
  const pick = (m: keyof Reading['values']) => total.find((r) => r.values[m] !== undefined)?.values[m];
  const energyKwh = pick('energy_import_kwh');
  const powerW = pick('power_w');
  return { energyKwh, powerW };
}

export interface Attempt {
  device: string;
  kind: 'modbus' | 'snmp';
  profile: string;
  /** Absent when the try did not finish within its deadline. */
  result?: PollResult;
  deadlineMs: number;
  latencyMs?: number;
  /** Fields the device refused (Modbus illegal address), dropped from its plan. */
  unreadable?: readonly string[];
}

export function judge(a: Attempt): DeviceCheck {
  const base = { device: a.device, kind: a.kind, profile: a.profile };
  const r = a.result;
  if (!r) return { ...base, readings: 0, errors: [`no answer within ${a.deadlineMs} ms`], warnings: [] };
  const errors: string[] = [];
  const warnings: string[] = [];
  if (r.fault)
    errors.push(
      r.fault.kind === 'timeout' && !r.fault.reason
        ? 'no answer (timeout)'
        : `${r.fault.kind}${r.fault.reason ? `: ${r.fault.reason}` : ''}`,
    );
  if (r.readings.length === 0 && !r.fault) errors.push('no readings');
  if (r.readings.length > 0 && !r.readings.some((x) => Object.keys(x.values).some((m) => isCounter(m as never))))
    errors.push('no energy counter read');
  const missing = new Set(r.readings.flatMap((x) => Object.keys(x.flags ?? {}).map((m) => `${x.channel}.${m}`)));
  if (missing.size > 0)
    warnings.push(`not available: ${[...missing].sort().slice(0, 5).join(', ')}${missing.size > 5 ? ` and ${missing.size - 5} more` : ''}`);
  if (a.unreadable && a.unreadable.length > 0) warnings.push(`refused registers: ${[...a.unreadable].sort().join(', ')}`);
  const serial = r.identities?.find((i) => i.device === a.device)?.serial ?? r.identities?.[0]?.serial;
  // A device that never answered has no latency to show.
  const latencyMs = a.latencyMs ?? (r.fault ? undefined : r.durationMs);
  return {
    ...base,
    serial,
    ...headline(r.readings),
    latencyMs: latencyMs === undefined ? undefined : Math.round(latencyMs * 10) / 10,
    readings: r.readings.length,
    errors,
    warnings,
  };
}

export function reportOf(gateway: string, devices: DeviceCheck[], broker?: BrokerCheck): CheckReport {
  const ok = devices.every((d) => d.errors.length === 0) && (broker?.ok ?? true);
  return { ok, gateway, devices, broker };
}

export function checkTable(r: CheckReport): string {
  const rows = r.devices.map((d) => [
    d.device,
    d.profile,
    d.serial ?? '-',
    d.energyKwh === undefined && d.powerW === undefined ? '-' : `${fmt(d.energyKwh, 2)} kWh, ${fmt(d.powerW, 0)} W`,
    d.latencyMs === undefined ? '-' : `${d.latencyMs} ms`,
    [...d.errors, ...d.warnings.map((w) => `warning: ${w}`)].join('; ') || 'ok',
  ]);
  const lines = [
    r.devices.length === 0
      ? 'no devices configured'
      : renderTable(['device', 'profile', 'serial', 'first reading', 'latency', 'errors'], rows),
  ];
  if (r.broker)
    lines.push('', `broker ${r.broker.url}: ${r.broker.ok ? `connected (${r.broker.latencyMs} ms)` : `FAILED: ${r.broker.error}`}`);
  const bad = r.devices.filter((d) => d.errors.length > 0).length;
  lines.push(
    '',
    r.ok
      ? `OK: ${r.devices.length} device(s) answered${r.broker ? ', broker reachable' : ''}`
      : `NOT OK: ${bad} of ${r.devices.length} device(s) failed${r.broker && !r.broker.ok ? ', broker unreachable' : ''}`,
  );
  return lines.join('\n');
}
