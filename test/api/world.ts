// A small world for the API tests: two customers in a shared site (acme, beta), a site only beta uses,
// a rack that passes from acme to beta on 15 October, readings, alerts and final invoices, and one user
// of every role with a token; a credit note on each customer's invoice. Every identifier of beta's contains "beta" or is in BETA_ONLY, so a leak
// to acme is found by looking for them in any answer.
import { mkdtempSync } from 'node:fs';
import type { Logger } from 'pino';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { AuthService, type SignInLimits } from '../../central/auth/service.js';
import type { ScryptParams } from '../../central/broker/passwords.js';
import { documentRenderers } from '../../central/billing/documents.js';
import { noteFor } from '../../central/billing/notes.js';
import { TariffVersion } from '../../central/model/tariffs/tariff.js';
import { InventoryFile } from '../../central/config/inventory-schema.js';
import { ModelHolder } from '../../central/model/holder.js';
import { draftOf } from '../../scripts/benches/invoice-drafts.js';
import { openSqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { openSqliteStore } from '../../central/storage/readings/sqlite/store.js';
import { alert, alertsBatch, reading, readingsBatch } from '../storage/readings-fixtures.js';
import { buildApi, type ApiServer } from '../../central/api/server.js';
import type { ApiDeps, ApiPlugin } from '../../central/api/types.js';
import { quietLog } from '../helpers/env.js';

export const OCT = Date.UTC(2026, 8, 30, 22); // 2026-10-01T00:00 Amsterdam
export const HOUR = 3_600_000;
export const SHARED_CHANGE = Date.UTC(2026, 9, 14, 22); // 2026-10-15T00:00 Amsterdam
export const BETA_ONLY = ['sin9', 'hall-sin'];
export const FAST_SCRYPT = { N: 1024, r: 8, p: 1 };

export const INVENTORY = InventoryFile.parse({
  sites: [
    { id: 'ams1', name: 'Amsterdam 1', timeZone: 'Europe/Amsterdam', currency: 'EUR', rooms: [{ id: 'hall1' }, { id: 'hall2' }] },
    { id: 'sin9', name: 'Singapore 9', timeZone: 'Asia/Singapore', currency: 'SGD', rooms: [{ id: 'hall-sin' }] },
  ],
  gateways: [
    { id: 'gw1', site: 'ams1', room: 'hall1' },
    { id: 'gw2', site: 'sin9', room: 'hall-sin' },
  ],
  cages: [
    { id: 'cage-acme', room: 'hall1' },
    { id: 'cage-beta', room: 'hall1' },
  ],
  racks: [
    { id: 'rk-acme-1', room: 'hall1', cage: 'cage-acme' },
    { id: 'rk-shared', room: 'hall1' },
    { id: 'rk-beta-1', room: 'hall1', cage: 'cage-beta' },
    { id: 'rk-beta-2', room: 'hall-sin' },
    { id: 'rk-empty', room: 'hall2' },
  ],
  nodes: [
    { id: 'bb-a', kind: 'busbar', site: 'ams1', room: 'hall1', feed: 'A', ratedCurrentA: 400, voltageV: 230 },
    { id: 'pdu-acme-1', kind: 'pdu', parent: 'bb-a', rack: 'rk-acme-1', ratedCurrentA: 32 },
    { id: 'pdu-shared', kind: 'pdu', parent: 'bb-a', rack: 'rk-shared' },
    { id: 'pdu-beta-1', kind: 'pdu', parent: 'bb-a', rack: 'rk-beta-1' },
    { id: 'bb-beta-sin', kind: 'busbar', site: 'sin9', room: 'hall-sin', feed: 'A' },
    { id: 'pdu-beta-2', kind: 'pdu', parent: 'bb-beta-sin', rack: 'rk-beta-2' },
  ],
  points: [
    { id: 'bb-a', node: 'bb-a', gateway: 'gw1', device: 'bus-a', infrastructure: true },
    { id: 'pt-acme-1', node: 'pdu-acme-1', gateway: 'gw1', device: 'pdu-acme-1' },
    { id: 'pt-shared', node: 'pdu-shared', gateway: 'gw1', device: 'pdu-shared' },
    { id: 'pt-beta-1', node: 'pdu-beta-1', gateway: 'gw1', device: 'pdu-beta-1' },
    { id: 'pt-beta-2', node: 'pdu-beta-2', gateway: 'gw2', device: 'pdu-beta-2' },
  ],
  customers: [
    { id: 'acme', name: 'Acme' },
    { id: 'beta', name: 'Beta Corp' },
  ],
  assignments: [
    { id: 'as-acme-1', customer: 'acme', rack: 'rk-acme-1', from: '2026-01-01' },
    { id: 'as-shared', customer: 'acme', rack: 'rk-shared', from: '2026-01-01' },
    { id: 'as-shared', version: 2, customer: 'beta', rack: 'rk-shared', from: '2026-10-15' },
    { id: 'as-beta-1', customer: 'beta', rack: 'rk-beta-1', from: '2026-01-01' },
    { id: 'as-beta-2', customer: 'beta', rack: 'rk-beta-2', from: '2026-01-01' },
  ],
});

export const TARIFFS = new Map([
  [
    'ams1',
    {
      site: 'ams1',
      versions: [TariffVersion.parse({ version: 'ams-2026', validFrom: '2026-01-01', currency: 'EUR', energyPricePerKwh: '0.21' })],
    },
  ],
]);

export interface World {
  deps: ApiDeps;
  holder: ModelHolder;
  server: ApiServer;
  url: string;
  tokens: { operator: string; readonly: string; acme: string; beta: string };
  passwords: { operator: string; acme: string };
  invoices: { acme: number; beta: number; acmeDraft: number };
  /** A credit note on acme's and on beta's October invoice. */
  notes: { acme: number; beta: number };
  file: string;
  close(): Promise<void>;
}

export interface WorldOptions {
  plugins?: ApiPlugin[];
  now?: () => number;
  listen?: boolean;
  energy?: (store: ApiDeps['store']) => NonNullable<ApiDeps['energy']>;
  /** Sign-in limits, the scrypt cost of the node's new hashes (the users here are hashed at FAST_SCRYPT), its log. */
  auth?: { limits?: Partial<SignInLimits>; scrypt?: ScryptParams; log?: Logger };
  trustProxy?: string[];
  /** As api.metrics: staff (the default), public, or off (not served). */
  metricsAccess?: 'staff' | 'public' | 'off';
}

export async function makeWorld(opts: WorldOptions = {}): Promise<World> {
  const file = join(mkdtempSync(join(tmpdir(), 'jb-api-')), 'central.db');
  const now = opts.now ?? (() => OCT + 40 * 24 * HOUR);
  const clock = { now };
  const store = await openSqliteStore({ file, log: quietLog });
  const billingStore = openSqliteBillingStore({ file, log: quietLog });
  const access = openSqliteAccessStore({ file, log: quietLog });
  const holder = new ModelHolder({ base: { inventory: INVENTORY, tariffs: TARIFFS }, store: access, clock, log: quietLog });
  await holder.load();
  const customerExists = (id: string) => holder.current().model.customers.has(id);
  const auth = new AuthService({ store: access, clock, log: quietLog, scrypt: FAST_SCRYPT, customerExists });

  const rows = (device: string, gateway: string, site: string, seq: number, kw: number) =>
    readingsBatch(
      seq,
      Array.from({ length: 64 }, (_, i) =>
        reading(device, 'total', OCT + i * 12 * HOUR + 1000, {
          energy_import_kwh: 1000 + kw * i * 12,
          power_w: kw * 1000,
          current_a: kw * 4.3,
        }),
      ),
      { site, gateway },
    );
  await store.store([
    rows('pdu-acme-1', 'gw1', 'ams1', 1, 2),
    rows('pdu-shared', 'gw1', 'ams1', 2, 3),
    rows('pdu-beta-1', 'gw1', 'ams1', 3, 5),
    rows('bus-a', 'gw1', 'ams1', 4, 20),
    rows('pdu-beta-2', 'gw2', 'sin9', 1, 7),
    alertsBatch(
      5,
      [
        alert('beta-overload', 'raised', OCT + HOUR, { device: 'pdu-beta-1' }),
        alert('acme-overload', 'raised', OCT + HOUR, { device: 'pdu-acme-1' }),
      ],
      { site: 'ams1', gateway: 'gw1' },
    ),
    alertsBatch(2, [alert('beta-sin-down', 'raised', OCT + HOUR, { device: 'pdu-beta-2' })], { site: 'sin9', gateway: 'gw2' }),
  ]);

  const run = await billingStore.ensureRun('ams1', '2026-10', 'drafted', now());
  await billingStore.addDrafts(
    run.id,
    [
      { draft: draftOf('acme', '12.00'), review: [] },
      { draft: draftOf('beta', '34.00'), review: [] },
    ],
    now(),
  );
  const [acmeInv, betaInv] = await billingStore.invoices({ runId: run.id });
  await billingStore.finalize(acmeInv!.id, { atMs: now(), year: 2026 });
  await billingStore.finalize(betaInv!.id, { atMs: now(), year: 2026 });
  const run2 = await billingStore.ensureRun('ams1', '2026-11', 'drafted', now());
  await billingStore.addDrafts(run2.id, [{ draft: draftOf('acme', '5.00', 'ams1', '2026-11'), review: ['low measured share'] }], now());
  const [acmeDraft] = await billingStore.invoices({ runId: run2.id });
  // Late data: each October invoice 2.00 lower on recomputation, a credit note against it.
  const credit = async (id: number, customer: string, total: string) => {
    const inv = (await billingStore.invoice(id))!;
    const note = noteFor({ ...inv.draft, number: inv.number! }, draftOf(customer, total));
    return (await billingStore.addNote(note!, { fingerprint: 'late', atMs: now(), year: 2026 })).note.id;
  };
  const notes = { acme: await credit(acmeInv!.id, 'acme', '10.00'), beta: await credit(betaInv!.id, 'beta', '32.00') };

  const deps: ApiDeps = {
    store,
    models: holder,
    editor: holder,
    auth,
    clock,
    log: quietLog,
    billing: { store: billingStore, ...documentRenderers({ models: holder, store: billingStore }) },
    ...(opts.metricsAccess === 'off'
      ? {}
      : {
          metrics: {
            contentType: 'text/plain; version=0.0.4',
            render: async () => 'jb_up 1\n',
            ...(opts.metricsAccess ? { access: opts.metricsAccess } : {}),
          },
        }),
    ...(opts.plugins ? { plugins: opts.plugins } : {}),
    ...(opts.energy ? { energy: opts.energy(store) } : {}),
  };
  const passwords = {
    operator: (await auth.addUser({ username: 'ops', role: 'operator' })).password,
    acme: (await auth.addUser({ username: 'acme-admin', role: 'customer', customer: 'acme' })).password,
  };
  await auth.addUser({ username: 'auditor', role: 'read-only' });
  await auth.addUser({ username: 'beta-admin', role: 'customer', customer: 'beta' });
  const tokens = {
    operator: (await auth.createToken('ops')).text,
    readonly: (await auth.createToken('auditor')).text,
    acme: (await auth.createToken('acme-admin')).text,
    beta: (await auth.createToken('beta-admin')).text,
  };
  if (opts.auth) {
    // The node as configured: its own service over the same users (hashed at FAST_SCRYPT above).
    deps.auth = new AuthService({
      store: access,
      clock,
      log: opts.auth.log ?? quietLog,
      customerExists,
      ...(opts.auth.scrypt ? { scrypt: opts.auth.scrypt } : { scrypt: FAST_SCRYPT }),
      ...(opts.auth.limits ? { limits: opts.auth.limits } : {}),
    });
  }
  const server = await buildApi(deps, opts.trustProxy ? { trustProxy: opts.trustProxy } : {});
  let url = '';
  if (opts.listen !== false) {
    await server.app.listen({ host: '127.0.0.1', port: 0 });
    const addr = server.app.server.address();
    url = `http://127.0.0.1:${typeof addr === 'object' && addr ? addr.port : 0}`;
  }
  return {
    deps,
    holder,
    server,
    url,
    tokens,
    passwords,
    file,
    invoices: { acme: acmeInv!.id, beta: betaInv!.id, acmeDraft: acmeDraft!.id },
    notes,
    close: async () => {
      await server.app.close();
      await store.close();
      billingStore.close();
      await access.close();
    },
  };
}

/** A request over HTTP with a token (or none), JSON in and out. */
export async function call(
  w: World,
  method: string,
  path: string,
  o: { token?: string; body?: unknown; cookie?: string; headers?: Record<string, string> } = {},
): Promise<{ status: number; body: unknown; text: string; headers: Headers }> {
  const res = await fetch(`${w.url}${path}`, {
    method,
    headers: {
      ...(o.token ? { authorization: `Bearer ${o.token}` } : {}),
      ...(o.body !== undefined ? { 'content-type': 'application/json' } : {}),
      ...(o.cookie ? { cookie: o.cookie } : {}),
      ...o.headers,
    },
    ...(o.body !== undefined ? { body: JSON.stringify(o.body) } : {}),
  });
  const text = await res.text();
  let body: unknown = text;
  try {
    body = JSON.parse(text);
  } catch {
    /* not JSON (csv, pdf) */
  }
  return { status: res.status, body, text, headers: res.headers };
}
