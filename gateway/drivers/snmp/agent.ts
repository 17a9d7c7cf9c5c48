// One PDU's SNMP agent: identity, then GETBULK walks of only the columns the profile needs, within a time
// budget of its own, under a limit on how many agents are polled at once. Chained units are separate devices.
// A poll in flight when polling stops gives up at once, neither counted as the PDU's fault nor backed off.
import type { Logger } from 'pino';
import type { Reading } from '../../../protocol/reading.js';
import { isCounter } from '../../../protocol/measurements.js';
import type { Clock } from '../../../common/clock.js';
import { Backoff } from '../../../common/backoff.js';
import type { Limiter } from '../../polling/limiter.js';
import type { DeviceIdentity, PollResult } from '../../polling/result.js';
import type { PollKind } from '../../polling/schedule.js';
import type { ResolvedSnmpProfile } from '../../profiles/snmp-resolve.js';
import type { SnmpTable } from '../../profiles/snmp-schema.js';
import { identityRows, mergeReadings, rowUnit, splitIndex, tableReadings, type RowProblems, type TableRows } from './rows.js';
import type { SnmpClient } from './session.js';
import { SnmpError } from './session.js';
import { snmpNumber, snmpText } from './values.js';

export const SYS_OBJECT_ID = '1.3.6.1.2.1.1.2.0';
export const SYS_UPTIME = '1.3.6.1.2.1.1.3.0';

export interface SnmpAgentOptions {
  id: string;
  /** Wall time one poll of this agent may take, all requests and retries included. */
  budgetMs: number;
  backoffBaseMs: number;
  backoffMaxMs: number;
}

export interface SnmpAgentDeps {
  options: SnmpAgentOptions;
  profile: ResolvedSnmpProfile;
  client: SnmpClient;
  limiter: Limiter;
  clock: Clock;
  log: Logger;
}

/** The columns one table's walk needs for a kind of poll: values plus what locates a row. */
export function columnsFor(t: SnmpTable, kind: PollKind, extra: readonly number[] = []): number[] {
  const wanted = t.columns.filter((c) => kind === 'full' || isCounter(c.measurement)).map((c) => c.column);
  const sensor =
    t.bySensor && (kind === 'full' || Object.values(t.bySensor.map).some((v) => isCounter(v.measurement))) ? [t.bySensor.column] : [];
  if (wanted.length === 0 && sensor.length === 0) return [];
  const structural = [
    ...('column' in t.unit ? [t.unit.column] : []),
    ...('column' in t.channel ? [t.channel.column] : []),
    ...Object.values(t.vars).map((v) => v.column),
  ];
  return [...new Set([...wanted, ...sensor, ...structural, ...extra])].sort((a, b) => a - b);
}

export class SnmpAgent {
  readonly id: string;
  readonly profile: ResolvedSnmpProfile;
  readonly client: SnmpClient;
  private readonly opt: SnmpAgentOptions;
  private readonly deps: SnmpAgentDeps;
  private readonly backoff: Backoff;
  private digits = new Map<string, TableRows>();
  lastFault: PollResult['fault'];

  constructor(deps: SnmpAgentDeps) {
    this.deps = deps;
    this.opt = deps.options;
    this.id = deps.options.id;
    this.profile = deps.profile;
    this.client = deps.client;
    this.backoff = new Backoff(deps.options.backoffBaseMs, deps.options.backoffMaxMs);
  }

  deviceFor(unit: number): string {
    return unit === this.profile.snmp.primaryUnit ? this.id : `${this.id}.u${unit}`;
  }

  async poll(kind: PollKind, signal?: AbortSignal): Promise<PollResult> {
    const { clock, limiter, log } = this.deps;
    if (!this.backoff.ready(clock.monotonicMs())) {
      this.client.counters.inc('skipped_backoff');
      return { device: this.id, kind, readings: [], skipped: 'backoff', durationMs: 0 };
    }
    // A PDU that failed last time mostly waits out timeouts: it polls outside the shared bound, within its
    // own budget, so it never holds a slot the healthy PDUs need.
    const lane = this.lastFault ? <T>(task: () => Promise<T>) => task() : <T>(task: () => Promise<T>) => limiter.run(task);
    return lane(async () => {
      const started = clock.monotonicMs();
      let timer: NodeJS.Timeout | undefined;
      let onAbort: (() => void) | undefined;
      const budget = new Promise<never>((_, reject) => {
        timer = setTimeout(
          () => reject(new SnmpError(`no complete answer within the ${this.opt.budgetMs} ms budget`, 'timeout')),
          this.opt.budgetMs,
        );
        // Polling stopped: what is outstanding is abandoned (the gateway closes the session next).
        onAbort = () => reject(new SnmpError('polling stopped', 'error'));
        signal?.addEventListener('abort', onAbort, { once: true });
      });
      try {
        if (signal?.aborted) return { device: this.id, kind, readings: [], skipped: 'stopping', durationMs: 0 };
        const r = await Promise.race([this.fetch(kind), budget]);
        this.backoff.succeeded();
        this.lastFault = undefined;
        const durationMs = clock.monotonicMs() - started;
        if (durationMs > this.opt.budgetMs / 2)
          log.warn({ agent: this.id, durationMs, budgetMs: this.opt.budgetMs }, 'slow PDU: poll used over half its budget');
        return { device: this.id, kind, ...r, durationMs };
      } catch (err) {
        if (signal?.aborted) return { device: this.id, kind, readings: [], skipped: 'stopping', durationMs: clock.monotonicMs() - started };
        const fault = { kind: err instanceof SnmpError ? err.kind : 'error', reason: err instanceof Error ? err.message : String(err) };
        if (fault.kind === 'timeout') this.client.reset(); // abandon what is still outstanding
        this.lastFault = fault;
        const pauseMs = this.backoff.failed(clock.monotonicMs());
        const durationMs = clock.monotonicMs() - started;
        log.warn({ agent: this.id, fault, durationMs, backoffMs: pauseMs }, 'PDU poll failed');
        return { device: this.id, kind, readings: [], fault, durationMs };
      } finally {
        clearTimeout(timer);
        if (onAbort) signal?.removeEventListener('abort', onAbort);
      }
    });
  }

  private async fetch(kind: PollKind): Promise<{ readings: Reading[]; identities: DeviceIdentity[] }> {
    const { snmp: spec } = this.profile;
    const ts = this.deps.clock.now();
    const id = spec.identity;
    const scalarOids = [
      SYS_UPTIME,
      ...('oid' in id.serial ? [id.serial.oid] : []),
      ...(id.model && 'oid' in id.model ? [id.model.oid] : []),
    ];
    const scalars = await this.client.get(scalarOids);
    const uptime = snmpNumber(scalars[0]);
    const identities = await this.identities(scalars.slice(1));
    const problems: RowProblems = { badValues: 0, badRows: 0 };
    const readings: Reading[] = [];
    const resetTimes = new Map<number, string>();
    for (const t of spec.tables) {
      const reset = spec.resetTime && spec.resetTime.table === t.name && kind === 'full' ? spec.resetTime.column : undefined;
      const cols = columnsFor(t, kind, reset !== undefined ? [reset] : []);
      if (cols.length === 0) continue;
      const rows = await this.client.tableColumns(t.table, cols);
      const digits = t.bySensor?.decimalDigits ? await this.decimalDigits(t.bySensor.decimalDigits, kind) : {};
      readings.push(...tableReadings(t, rows, ts, (u) => this.deviceFor(u), problems, digits));
      if (reset !== undefined) this.collectResetTimes(t, rows, reset, resetTimes);
    }
    if (problems.badValues) this.client.counters.inc('bad_values', problems.badValues);
    if (problems.badRows) this.client.counters.inc('bad_rows', problems.badRows);
    return {
      readings: mergeReadings(readings),
      identities: identities.map((i) => ({
        device: this.deviceFor(i.unit),
        ...(i.serial ? { serial: i.serial } : {}),
        ...(i.model ? { model: i.model } : {}),
        ...(uptime.ok ? { uptimeS: uptime.value / 100 } : {}),
        ...(resetTimes.has(i.unit) ? { resetTime: resetTimes.get(i.unit)! } : {}),
      })),
    };
  }

  private async identities(scalarValues: unknown[]): Promise<{ unit: number; serial?: string; model?: string }[]> {
    const id = this.profile.snmp.identity;
    if (!id.table) {
      const serial = snmpText(scalarValues[0]);
      const model = id.model ? snmpText(scalarValues[1]) : undefined;
      return [{ unit: this.profile.snmp.primaryUnit, serial, model }];
    }
    const cols = [
      ...('column' in id.serial ? [id.serial.column] : []),
      ...(id.model && 'column' in id.model ? [id.model.column] : []),
      ...('column' in id.unit ? [id.unit.column] : []),
    ];
    const rows = await this.client.tableColumns(id.table, cols);
    return identityRows(
      {
        index: id.index,
        unit: id.unit,
        serial: 'column' in id.serial ? id.serial : {},
        model: id.model && 'column' in id.model ? id.model : undefined,
      },
      rows,
    );
  }

  /** Decimal digits change only with configuration: read on full polls, reused for energy polls. */
  private async decimalDigits(d: { table: string; column: number }, kind: PollKind): Promise<TableRows> {
    const key = `${d.table}:${d.column}`;
    const cached = this.digits.get(key);
    if (cached && kind === 'energy') return cached;
    const rows = await this.client.tableColumns(d.table, [d.column]);
    this.digits.set(key, rows);
    return rows;
  }

  private collectResetTimes(t: SnmpTable, rows: TableRows, column: number, out: Map<number, string>): void {
    for (const [index, cols] of Object.entries(rows)) {
      const parts = splitIndex(index, t.index);
      const unit = parts ? rowUnit(t.unit, parts, cols) : undefined;
      const text = snmpText(cols[column]);
      if (unit !== undefined && text) out.set(unit, text);
    }
  }
}
