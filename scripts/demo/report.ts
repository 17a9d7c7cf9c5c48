// What the demo prints: the ready banner (where things are, the invoices, the logins, how to stop) and a
// live line per room. Pure: text from plain values.
import { join } from 'node:path';
import { renderTable } from '../../gateway/status/table.js';
import type { StoredInvoice } from '../../central/storage/billing/types.js';

export interface DemoLogin {
  role: 'operator' | 'customer';
  username: string;
  password: string;
  customer?: string;
}

export interface ReadyFacts {
  dir: string;
  centralYaml: string;
  mqttUrl: string;
  mqttUsual: boolean;
  rs485: string;
  history: { month: string; steps: number; elapsedMs: number; readingsStored: number };
  invoices: readonly StoredInvoice[];
  invoiceDir: string;
  portalUrl?: string;
  logins: readonly DemoLogin[];
  /** Each live gateway's status page for installers. */
  statusPages?: readonly { gateway: string; url: string }[];
  durationS?: number;
}

/**
 * The terms an invoice was priced on, without the site list underneath: a version label is
 * `contract/version+tariff version` over the site's list, `contract/version` alone, or the tariff version.
 */
export function termsOf(invoice: StoredInvoice): string {
  return [...new Set(invoice.draft.versions.map((v) => v.split('+')[0]!))].join(',');
}

export function invoiceRows(invoices: readonly StoredInvoice[], invoiceDir: string): string[][] {
  return invoices.map((i) => [
    i.number ?? `#${i.id}`,
    i.customer,
    i.status,
    `${i.total} ${i.currency}`,
    termsOf(i),
    i.number ? join(invoiceDir, i.entity, i.period, `${i.number}.pdf`) : `held: ${i.review.join('; ')}`,
  ]);
}

export function readyText(f: ReadyFacts): string {
  const lines = [
    'Joulebook demo: site ams1 (Amsterdam, simulated), rooms r101 and r102, a gateway in each',
    `  central node   embedded MQTT broker ${f.mqttUrl}${f.mqttUsual ? '' : ' (1883 was taken)'}, SQLite, config ${f.centralYaml}`,
    `  RS-485 lines   ${f.rs485}`,
    `  history        ${f.history.month} and this month so far: ${f.history.steps} hourly polls of every meter and PDU in ${(f.history.elapsedMs / 1000).toFixed(1)} s, ${f.history.readingsStored} readings stored`,
    '',
    `Invoices for ${f.history.month} (the central node's invoice run, finalized at start):`,
    f.invoices.length
      ? renderTable(['number', 'customer', 'status', 'total', 'contract', 'file'], invoiceRows(f.invoices, f.invoiceDir))
      : '  none (see the log above)',
    `  JSON, CSV and PDF of each, and summary.json: ${join(f.invoiceDir, 'ams1', f.history.month)}`,
    `  the same from the command line: npx joulebook invoice -c ${f.centralYaml} list`,
    '',
  ];
  if (f.portalUrl) {
    lines.push(`Portal: ${f.portalUrl}`);
    for (const l of f.logins) lines.push(`  ${l.role.padEnd(10)} ${l.username} / ${l.password}`);
    lines.push(`  API: ${f.portalUrl}/api/v1/openapi.json; metrics (staff: signed in as the operator, or a token): ${f.portalUrl}/metrics`);
    lines.push('');
  }
  if (f.statusPages?.length) {
    lines.push('Gateway status pages (what an installer sees in the room):');
    for (const s of f.statusPages) lines.push(`  ${s.gateway.padEnd(14)} ${s.url}`);
    lines.push('');
  }
  lines.push(f.durationS ? `Live polling for ${f.durationS} s.` : 'Live polling now. Ctrl-C stops everything.');
  return `${lines.join('\n')}\n`;
}

export interface LiveRoom {
  gateway: string;
  /** Power of each device's total or whole-unit channel, in watts. */
  powerW: ReadonlyMap<string, number>;
  acked: number;
  outbox: number;
}

export function liveText(rooms: readonly LiveRoom[], storedAtCentral: number, atMs: number): string {
  const head = `live ${new Date(atMs).toISOString().slice(11, 19)} UTC: ${storedAtCentral} readings stored centrally`;
  return (
    [
      head,
      ...rooms.map((r) => {
        const kw = [...r.powerW.values()].reduce((a, b) => a + b, 0) / 1000;
        return `  ${r.gateway}: ${r.powerW.size} devices, ${kw.toFixed(2)} kW now, ${r.acked} readings acknowledged, outbox ${r.outbox}`;
      }),
    ].join('\n') + '\n'
  );
}
