// The layout table of docs/development.md, generated from the tree: every folder that holds source is
// described here, and `npm run docs -- --check` (a CI step) fails when the tree has a folder this table
// does not describe, or describes one that is gone. The file counts come from the tree itself.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';

/** What each folder holds; the key is its path from the package root. */
export const FOLDERS: Readonly<Record<string, string>> = {
  protocol: 'the wire contract both sides import: topics, zod message schemas, measurement names, the reading. No I/O.',
  common:
    'small basics that import nothing else of the project: clock, local time, backoff, registry, yaml, config issues, scaling, ' +
    'rate-limited log, logger, CLI helpers, signed bodies, stop budget',
  gateway: 'the room gateway: `main.ts` (the one composition root), `cli.ts`, clock guard, shutdown',
  'gateway/builders': 'the named builders `main.ts` composes: storage, alerts, publisher, checks, acquisition, status',
  'gateway/check': "`joulebook gateway check`: an installer's one-shot reading of every configured device",
  'gateway/checks':
    'counter epochs (resets, rollovers, swaps), phase sums, circuit wiring, liveness: one `Check` interface, registered by kind',
  'gateway/config': 'gateway.yaml: schema, loader, topology checks',
  'gateway/drivers/modbus': 'Modbus RTU and TCP: frames, links, the bus scheduler, device polling, bus scan',
  'gateway/drivers/snmp': 'SNMP agents: sessions, BER, table rows, targets, scan',
  'gateway/outbox': 'every reading on local disk (SQLite) until the broker has it; the commit cycle and the journal of events and alerts',
  'gateway/polling':
    'schedules, the scheduler, concurrency limits, poll results, the poll intake (results to readings, checks and the outbox)',
  'gateway/profiles': 'loading and resolving device profiles (Modbus registers, SNMP OIDs)',
  'gateway/publish': 'MQTT publishing with QoS 1 acknowledgements, batching and rate limits',
  'gateway/state': "small human-readable state (lowdb): counters' last values, active alerts",
  'gateway/status': 'the status page, Prometheus metrics and the retained status message',
  'gateway/systemd': 'sd_notify: ready, watchdog, stopping',
  central: 'the central node: `main.ts` (the composition root), `cli.ts`, logger',
  'central/alerts': "forwarding gateways' alerts to webhooks",
  'central/builders':
    'the named builders `main.ts` composes: store, ingest and alerts, model, billing, broker, lifecycle, API; the parts list',
  'central/api': 'the HTTP API (fastify): registry of routes, scopes, guard, errors, OpenAPI',
  'central/api/routes':
    'one file per resource: sites, points, energy, invoices, credit and debit notes, model edits, contracts and accounts, alerts, sign-in',
  'central/auth': 'users, passwords, sessions, API tokens, the sign-in limiter',
  'central/billing':
    "invoices: an entity's drafts, a section per site, pricing, proration, committed power, consolidation, " +
    'VAT categories, the parties printed and what holds a draft for legal reasons, net energy, money and rounding, notes for late data, ' +
    'document types',
  'central/billing/render': 'PDF, CSV, JSON and UBL e-invoice (EN 16931, Peppol BIS 3.0) of an invoice or note; what a customer may see',
  'central/billing/run': 'the monthly run: schedule, state machine, periods, rechecks, notes written and delivered, the signed webhook',
  'central/broker': 'the embedded MQTT broker (aedes), credentials, ACL, sign-in throttle, packet limits',
  'central/config': 'parses central.yaml, the inventory and the tariff files into model types',
  'central/energy': 'the pure energy core (series, counter epochs, groups, data end) and the bridge to the store',
  'central/ingest': 'MQTT messages to stored readings: validation, batching, the ingest pipeline',
  'central/lifecycle': 'the data lifecycle: rollup passes, retention, their schedule and `joulebook central storage`',
  'central/metrics': "the central node's Prometheus registry",
  'central/model': 'topology, customers, who held what when, customer points, edits and their review',
  'central/model/contracts':
    'issuing entities, billing accounts and customer contracts: schemas, legal details and tax treatments, what is implied, ' +
    'contract edits, the terms a customer is priced on',
  'central/model/tariffs': 'tariff versions, time-of-use windows, currencies',
  'central/portal': "the operators' and customers' web portal (served by the API)",
  'central/portal/core': 'pure page logic: buckets, targets, live values',
  'central/portal/data': "the portal's data loaders",
  'central/portal/public': 'the browser modules and styles, served as they are (no bundler)',
  'central/portal/routes': "the portal's pages",
  'central/storage': '`backends.ts`, the one table that opens each store on SQLite or PostgreSQL; migrations',
  'central/storage/access': 'users, sessions, tokens (both dialects)',
  'central/storage/billing': 'invoice runs, invoices, notes, deliveries (both dialects)',
  'central/storage/edits': 'the model edit log (`EditStore`)',
  'central/storage/postgres': 'PostgreSQL pools and migrations',
  'central/storage/readings': 'readings, events, series, boundaries; `sqlite/` (with the writer thread) and `postgres/`',
  'central/storage/rollups':
    'the rollup tier: day rows of interval edges and their codec, the tier a boundary lookup reads, the lifecycle store of both dialects',
  'central/storage/sqlite': 'SQLite files, file checks and migrations',
  sim: 'device simulators for tests, the demo and installers',
  'sim/modbus': 'Modbus meters on TCP and serial lines, faults included',
  'sim/snmp': 'SNMP PDUs from the profiles, swaps included',
  cli: 'the `joulebook` command; each area registers its subcommands',
  scripts: 'the documentation generator (config references, wire schemas, this table)',
  'scripts/benches':
    '`npm run bench -- <name>`: each benchmark, its harness and its data (sample messages, invoice drafts; tests use them too)',
  'scripts/demo': '`npm start`: the whole chain on embedded defaults',
  'scripts/provision': "`joulebook provision`: a room gateway's config and credentials",
  test: 'tests with a socket, process, database or browser, by area; unit tests sit beside the code',
  bin: 'the installed `joulebook` command (runs dist/cli/main.js)',
  config: 'device profiles (device knowledge as YAML), room templates, example configs, inventory and tariffs',
  deploy: 'the compose example (central, Mosquitto, PostgreSQL), Mosquitto files, the image check',
  docs: 'the project explains itself: protocol, config references (generated), deploy, installer, invoices',
  'test/helpers': 'shared test helpers: peers, waits, seeds, clocks, example worlds, synthetic series',
};

const ROOTS = ['protocol', 'common', 'gateway', 'central', 'sim', 'cli', 'scripts', 'test', 'bin', 'config', 'deploy', 'docs'];
/** Folders below these are listed as one row (the test areas, a store's dialects, the browser modules, data). */
const LEAVES = ['test', 'central/storage/readings', 'central/portal/public', 'protocol', 'config', 'deploy', 'docs'];
/** Roots whose every file counts (not only code). */
const DATA_ROOTS = ['config', 'deploy', 'docs'];

export interface FolderCount {
  path: string;
  sources: number;
  tests: number;
}

/** Every folder under the roots that holds code (or any file, under a data root), with its counts; below a leaf, counted into it. */
export function scanFolders(root: string): FolderCount[] {
  const out = new Map<string, FolderCount>();
  const walk = (rel: string, owner: string) => {
    for (const entry of readdirSync(join(root, rel), { withFileTypes: true })) {
      const path = `${rel}/${entry.name}`;
      if (entry.isDirectory()) {
        const isLeafChild = LEAVES.some((l) => rel === l || rel.startsWith(`${l}/`)) && path !== 'test/helpers';
        walk(path, isLeafChild ? owner : path);
      } else if (DATA_ROOTS.includes(rel.split('/')[0]!) || (/\.(ts|js)$/.test(entry.name) && !entry.name.endsWith('.d.ts'))) {
        const c = out.get(owner) ?? { path: owner, sources: 0, tests: 0 };
        if (entry.name.includes('.test.')) c.tests++;
        else c.sources++;
        out.set(owner, c);
      }
    }
  };
  for (const r of ROOTS) walk(r, r);
  return [...out.values()].sort((a, b) => a.path.localeCompare(b.path));
}

/** The markdown table, or the problems that keep it from being true. */
export function layoutTable(folders: readonly FolderCount[]): { text: string; problems: string[] } {
  const problems: string[] = [];
  const seen = new Set(folders.map((f) => f.path));
  for (const f of folders) if (!(f.path in FOLDERS)) problems.push(`scripts/layout.ts: folder ${f.path}/ is not described`);
  for (const p of Object.keys(FOLDERS)) if (!seen.has(p)) problems.push(`scripts/layout.ts: ${p}/ is described but holds no source`);
  const rows = folders.map((f) => `| \`${f.path}/\` | ${f.sources} | ${f.tests} | ${FOLDERS[f.path] ?? '?'} |`);
  const text = ['| folder | files | tests | what is inside |', '| --- | ---: | ---: | --- |', ...rows].join('\n');
  return { text, problems };
}

export const LAYOUT_START = '<!-- layout: generated by npm run docs from scripts/layout.ts -->';
export const LAYOUT_END = '<!-- layout end -->';

/** The document with its layout section replaced; undefined when the markers are missing. */
export function withLayout(doc: string, table: string): string | undefined {
  const a = doc.indexOf(LAYOUT_START);
  const b = doc.indexOf(LAYOUT_END);
  if (a < 0 || b < a) return undefined;
  return `${doc.slice(0, a + LAYOUT_START.length)}\n${table}\n${doc.slice(b)}`;
}
