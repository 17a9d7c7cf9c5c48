// `joulebook energy`: a customer's energy over any interval, grouped, as a table or JSON. The command is
// built from a deps object (composition root supplies how to open the store and the model); it does no
// I/O of its own besides writing its output.
import { Command, Option } from 'commander';
import type { InventoryModel } from '../model/types.js';
import { customerEnergyReport, GROUP_BY, type EnergyReport, type GroupBy } from './customer-report.js';
import type { StoreSourcesDeps } from './store-source.js';
import { localDateOf, zoneClock } from '../../common/local-time.js';

export interface OpenedCentral {
  store: StoreSourcesDeps['store'];
  model: InventoryModel;
  close(): Promise<void>;
}

export interface EnergyCommandDeps {
  /** Opens the store and the inventory model that central.yaml names. */
  open(configFile: string): Promise<OpenedCentral>;
  write(text: string): void;
}

const kwh = (n: number): string => n.toFixed(3);
const pct = (share: number): string => `${(Math.floor(share * 10_000) / 100).toFixed(2)}%`;

function localMinute(ms: number, timeZone: string): string {
  const l = zoneClock(timeZone).local(ms);
  const p = (n: number): string => String(n).padStart(2, '0');
  return `${localDateOf(ms, timeZone)} ${p(l.hour)}:${p(l.minute)}`;
}

/** A local date where the instant is the zone's midnight ("2026-10-15"), else the date and minute ("2026-10-15 06:00"). */
export function localWhen(ms: number, timeZone: string): string {
  const l = zoneClock(timeZone).local(ms);
  return l.hour === 0 && l.minute === 0 ? localDateOf(ms, timeZone) : localMinute(ms, timeZone);
}

/** One line per site whose data ends before the period does: energy was counted up to there, no further. */
export function clippedNotes(r: Pick<EnergyReport, 'clipped'>, timeZoneOf: (site: string) => string): string {
  return r.clipped
    .map(
      (c) =>
        `${c.site}: no reading after ${localMinute(c.clippedToMs, timeZoneOf(c.site))} (${timeZoneOf(c.site)}); ` +
        'energy counted until then, the rest of the period counts as not measured\n',
    )
    .join('');
}

export function formatEnergyTable(r: EnergyReport, timeZoneOf: (site: string) => string): string {
  const head = ['site', r.by, 'from', 'until', 'kWh', 'measured', 'estimated', 'measured share', 'points'];
  const body = r.rows.map((x) => [
    x.site,
    x.group,
    // When the customer held the group within the interval asked for: a rack taken over mid-month from then.
    localWhen(x.heldFromMs, timeZoneOf(x.site)),
    localWhen(x.heldToMs, timeZoneOf(x.site)),
    kwh(x.kWh),
    kwh(x.measuredKwh),
    kwh(x.estimatedKwh),
    pct(x.measuredShare),
    x.deducted > 0 ? `${x.points} (-${x.deducted})` : String(x.points),
  ]);
  const total = [
    'total',
    '',
    '',
    '',
    kwh(r.total.kWh),
    kwh(r.total.measuredKwh),
    kwh(r.total.estimatedKwh),
    pct(r.total.measuredShare),
    '',
  ];
  const rows = [head, ...body, total];
  const widths = head.map((_, i) => Math.max(...rows.map((row) => row[i]!.length)));
  const numeric = (i: number) => i >= 4;
  return `${rows
    .map((row) =>
      row
        .map((c, i) => (numeric(i) ? c.padStart(widths[i]!) : c.padEnd(widths[i]!)))
        .join('  ')
        .trimEnd(),
    )
    .join('\n')}\n${clippedNotes(r, timeZoneOf)}`;
}

export function energyCommand(deps: EnergyCommandDeps): Command {
  return new Command('energy')
    .description('energy of a customer over an interval, per site and grouping, with its data quality')
    .requiredOption('--customer <id>', 'customer id from the inventory')
    .requiredOption('--from <when>', "start, inclusive: local date YYYY-MM-DD (each site's midnight) or timestamp with offset")
    .requiredOption('--to <when>', 'end, exclusive, in the same forms')
    .addOption(new Option('--by <grouping>', 'group the energy by').choices(GROUP_BY).default('site'))
    .option('--json', 'one JSON object instead of a table')
    .option('-c, --config <file>', 'central.yaml', 'central.yaml')
    .action(async (o: { customer: string; from: string; to: string; by: GroupBy; json?: boolean; config: string }) => {
      const central = await deps.open(o.config);
      try {
        const report = await customerEnergyReport(
          { store: central.store, model: central.model },
          { customer: o.customer, from: o.from, to: o.to, by: o.by },
        );
        if (o.json) deps.write(`${JSON.stringify(report)}\n`);
        else deps.write(formatEnergyTable(report, (site) => central.model.sites.get(site)?.timeZone ?? 'UTC'));
      } finally {
        await central.close();
      }
    });
}
