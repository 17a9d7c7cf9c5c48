// A PDU profile turned inside out: the tables, rows and cells an agent must serve so that the poller,
// reading them with the same profile, finds the simulated truth. Pure.
import { isCounter, type Measurement } from '../../protocol/measurements.js';
import type { ResolvedSnmpProfile } from '../../gateway/profiles/snmp-resolve.js';
import type { SnmpTable } from '../../gateway/profiles/snmp-schema.js';
import type { PduTruth } from './load.js';

export type CellKind = 'int' | 'gauge' | 'counter64' | 'text';
export type CellValue = number | bigint | string;

export interface UnitState {
  truth: PduTruth;
  serial: string;
  model: string;
  resetTime: string;
}

export type Cell = (u: UnitState) => CellValue;

export interface RowLayout {
  index: number[];
  unit: number;
  cells: Map<number, Cell>;
}

export interface TableLayout {
  oid: string;
  indexNames: string[];
  kinds: Map<number, CellKind>;
  rows: RowLayout[];
}

export interface PduLayout {
  tables: TableLayout[];
  scalars: { oid: string; kind: CellKind; cell: Cell }[];
}

/** Decimal digits the simulator declares per sensor measurement (Raritan style). */
const DIGITS: Partial<Record<Measurement, number>> = { current_a: 3, power_factor: 2, frequency_hz: 1, voltage_v: 1 };

function channelNumbers(t: SnmpTable, outlets: number): { channel: string; number: number; key?: number }[] {
  if ('column' in t.channel) return Object.entries(t.channel.map).map(([k, ch]) => ({ channel: ch, number: Number(k), key: Number(k) }));
  const m = /^([a-z]+):\{([^}]+)\}$/.exec(t.channel.template);
  if (!m) return [{ channel: t.channel.template, number: 1 }];
  const count = m[1] === 'outlet' ? outlets : m[1] === 'inlet' ? 1 : 3;
  return Array.from({ length: count }, (_, i) => ({ channel: `${m[1]}:${i + 1}`, number: i + 1 }));
}

function templateVar(t: SnmpTable): string | undefined {
  return 'template' in t.channel ? /\{([^}]+)\}/.exec(t.channel.template)?.[1] : undefined;
}

function encode(value: number | undefined, scale: number, digits = 0): number {
  return Math.round(((value ?? 0) / scale) * 10 ** digits);
}

function kindFor(measurement: Measurement, counter?: { bits: number }): CellKind {
  if (!isCounter(measurement)) return 'int';
  return counter?.bits === 64 ? 'counter64' : 'gauge';
}

class Builder {
  readonly tables = new Map<string, TableLayout>();

  table(oid: string, indexNames: string[]): TableLayout {
    let t = this.tables.get(oid);
    if (!t) {
      t = { oid, indexNames, kinds: new Map(), rows: [] };
      this.tables.set(oid, t);
    }
    return t;
  }

  row(t: TableLayout, index: number[], unit: number): RowLayout {
    const key = index.join('.');
    let r = t.rows.find((x) => x.index.join('.') === key);
    if (!r) {
      r = { index, unit, cells: new Map() };
      t.rows.push(r);
    }
    return r;
  }
}

export function layoutPdu(p: ResolvedSnmpProfile, opts: { outlets: number; units: readonly number[] }): PduLayout {
  const b = new Builder();
  const spec = p.snmp;
  for (const t of spec.tables) {
    const layout = b.table(t.table, t.index);
    const tvar = templateVar(t);
    const sensors = t.bySensor ? Object.keys(t.bySensor.map).map(Number) : [undefined];
    let running = 0;
    for (const unit of opts.units) {
      for (const ch of channelNumbers(t, opts.outlets)) {
        for (const sensor of sensors) {
          running++;
          const last = t.index[t.index.length - 1];
          const index = t.index.map((name) => {
            if ('index' in t.unit && t.unit.index === name) return unit;
            if (name === tvar) return ch.number;
            if (t.bySensor?.index === name) return sensor!;
            return name === last ? running : 1;
          });
          const row = b.row(layout, index, unit);
          const put = (col: number, kind: CellKind, cell: Cell) => {
            layout.kinds.set(col, kind);
            row.cells.set(col, cell);
          };
          if ('column' in t.unit) put(t.unit.column, 'int', () => unit);
          if ('column' in t.channel && ch.key !== undefined) put(t.channel.column, 'int', () => ch.key!);
          for (const v of Object.values(t.vars)) put(v.column, 'int', () => ch.number);
          for (const c of t.columns)
            put(c.column, kindFor(c.measurement, c.counter), (u) => encode(u.truth[ch.channel]?.[c.measurement], c.scale));
          if (t.bySensor && sensor !== undefined) {
            const s = t.bySensor;
            const v = s.map[String(sensor)]!;
            const digits = s.decimalDigits ? (DIGITS[v.measurement] ?? 0) : 0;
            put(s.column, kindFor(v.measurement, v.counter), (u) => encode(u.truth[ch.channel]?.[v.measurement], v.scale, digits));
            if (s.decimalDigits) {
              const dt = b.table(s.decimalDigits.table, t.index);
              dt.kinds.set(s.decimalDigits.column, 'int');
              b.row(dt, index, unit).cells.set(s.decimalDigits.column, () => digits);
            }
          }
          if (spec.resetTime?.table === t.name) put(spec.resetTime.column, 'text', (u) => u.resetTime);
        }
      }
    }
  }
  const scalars: PduLayout['scalars'] = [];
  const id = spec.identity;
  if (id.table) {
    const t = b.table(id.table, id.index);
    const existing = t.rows.length > 0;
    opts.units.forEach((unit, i) => {
      const rows = existing
        ? t.rows.filter((r) => r.unit === unit)
        : [
            b.row(
              t,
              id.index.map((n) => ('index' in id.unit && id.unit.index === n ? unit : i + 1)),
              unit,
            ),
          ];
      for (const row of rows) {
        if ('column' in id.unit) {
          t.kinds.set(id.unit.column, 'int');
          row.cells.set(id.unit.column, () => unit);
        }
        if ('column' in id.serial) {
          t.kinds.set(id.serial.column, 'text');
          row.cells.set(id.serial.column, (u) => u.serial);
        }
        if (id.model && 'column' in id.model) {
          t.kinds.set(id.model.column, 'text');
          row.cells.set(id.model.column, (u) => u.model);
        }
      }
    });
  } else {
    if ('oid' in id.serial) scalars.push({ oid: id.serial.oid, kind: 'text', cell: (u) => u.serial });
    if (id.model && 'oid' in id.model) scalars.push({ oid: id.model.oid, kind: 'text', cell: (u) => u.model });
  }
  return { tables: [...b.tables.values()], scalars };
}
