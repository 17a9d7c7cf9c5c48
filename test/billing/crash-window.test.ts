// An invoice run stopped between its last finalize and the run's state change (issue 17: 1 in 26 kill -9s
// left a run `drafted` for good). The store below dies right after the commit of the last draft's
// finalize, as a killed process would: that call and every later one fail. On real SQLite and PostgreSQL,
// the run is finalized by that commit itself; after a restart it completes, each invoice rendered once and
// numbers gap-free. A run an older version left `drafted` with every draft final moves on as well.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import pg from 'pg';
import t, { type Test } from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import type { BillingStore, StoredInvoice } from '../../central/storage/billing/types.js';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { AMS, recordingOutputs, World } from './world.js';

const H = 3_600_000;
const SITE = { ...AMS, since: '2026-10' };
const schemas = pgSchemas('jb_crash');
const dir = mkdtempSync(join(tmpdir(), 'jb-crash-window-'));

/** One fresh database. */
interface Kind {
  /** A store on that database each call (a process starting again). */
  open(): Promise<BillingStore & { close(): Promise<void> | void }>;
  raw(sql: string): Promise<void>;
}

/** The store as seen by a process killed right after a call that `diesAfter` names had committed. */
function killedAfter(
  store: BillingStore,
  diesAfter: (prop: string | symbol, out: unknown) => Promise<boolean>,
  why: string,
): { store: BillingStore; killed: () => boolean } {
  let dead = false;
  const proxy = new Proxy(store, {
    get(target, prop, receiver) {
      const v: unknown = Reflect.get(target, prop, receiver);
      if (typeof v !== 'function') return v;
      return async (...args: unknown[]) => {
        if (dead) throw new Error('the process is gone');
        const out: unknown = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (await diesAfter(prop, out)) {
          dead = true;
          throw new Error(why);
        }
        return out;
      };
    },
  });
  return { store: proxy, killed: () => dead };
}

/** Killed right after the last draft of a run was finalized (committed). */
function killedAfterLastFinalize(store: BillingStore): { store: BillingStore; killed: () => boolean } {
  return killedAfter(
    store,
    async (prop, out) =>
      prop === 'finalize' && (await store.invoices({ runId: (out as StoredInvoice).runId, status: 'draft' })).length === 0,
    'killed right after the last finalize',
  );
}

function runner(store: BillingStore, world: World, clock: { now(): number }) {
  const outputs = recordingOutputs();
  const r = new InvoiceRunner({
    store,
    computeDrafts: world.computeDrafts,
    outputs,
    clock,
    log: quietLog,
    owner: 'central-1',
    entities: [SITE],
    settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
  });
  return { runner: r, outputs };
}

function crashWindow(t: Test, fresh: () => Kind): void {
  t.test('killed between the last finalize and the state change, the run completes after a restart', async (t) => {
    const kind = fresh();
    const world = new World();
    const clock = {
      t: Date.UTC(2026, 10, 1, 6),
      now() {
        return this.t;
      },
    };
    const first = await kind.open();
    const dying = killedAfterLastFinalize(first);
    const before = runner(dying.store, world, clock);
    const report = await before.runner.tick();
    t.ok(dying.killed(), 'the process died in the window');
    t.match(report.errors, [{ entity: 'ams1', period: '2026-10', error: 'killed right after the last finalize' }]);
    t.same(before.outputs.rendered, [], 'nothing rendered before the kill');
    await first.close();

    const restarted = await kind.open();
    t.teardown(() => restarted.close());
    t.match(await restarted.run('ams1', '2026-10'), { state: 'finalized' }, 'the finalize that committed moved the run with it');
    const after = runner(restarted, world, clock);
    const again = await after.runner.tick();
    t.same(again.errors, []);
    t.match(await restarted.run('ams1', '2026-10'), { state: 'complete' }, 'complete after the restart');
    t.same(after.outputs.rendered, ['AMS1-2026-000001', 'AMS1-2026-000002'], 'each invoice rendered once, after the restart');
    clock.t = Date.UTC(2026, 11, 1, 6);
    await after.runner.tick();
    t.same(
      (await restarted.invoices()).map((i) => [i.period, i.customer, i.number, i.status]),
      [
        ['2026-10', 'acme', 'AMS1-2026-000001', 'final'],
        ['2026-10', 'globex', 'AMS1-2026-000002', 'final'],
        ['2026-11', 'acme', 'AMS1-2026-000003', 'final'],
        ['2026-11', 'globex', 'AMS1-2026-000004', 'final'],
      ],
      'numbering gap-free through the kill and the next month',
    );
    t.same(
      (await restarted.runs()).map((r) => [r.period, r.state]),
      [
        ['2026-10', 'complete'],
        ['2026-11', 'complete'],
      ],
    );
    t.same(world.calls, ['ams1/2026-10', 'ams1/2026-11'], 'October computed once');
  });

  t.test('killed between making the run and storing its drafts, the month is still invoiced', async (t) => {
    const kind = fresh();
    const world = new World();
    const clock = {
      t: Date.UTC(2026, 10, 1, 6),
      now() {
        return this.t;
      },
    };
    const first = await kind.open();
    const dying = killedAfter(first, async (prop) => prop === 'ensureRun', 'killed right after the run was made');
    const report = await runner(dying.store, world, clock).runner.tick();
    t.match(report.errors, [{ entity: 'ams1', period: '2026-10', error: 'killed right after the run was made' }]);
    await first.close();

    const restarted = await kind.open();
    t.teardown(() => restarted.close());
    t.match(await restarted.run('ams1', '2026-10'), { state: 'partial' }, 'a run without its drafts yet is partial, not drafted');
    const after = runner(restarted, world, clock);
    t.same((await after.runner.tick()).errors, []);
    t.match(await restarted.run('ams1', '2026-10'), { state: 'complete' });
    t.same(
      (await restarted.invoices()).map((i) => [i.customer, i.number, i.status]),
      [
        ['acme', 'AMS1-2026-000001', 'final'],
        ['globex', 'AMS1-2026-000002', 'final'],
      ],
      'every customer invoiced once, numbered gap-free',
    );
    t.same(after.outputs.rendered, ['AMS1-2026-000001', 'AMS1-2026-000002']);
  });

  t.test('a run an older version left drafted with every draft final moves on at the next tick', async (t) => {
    const kind = fresh();
    const world = new World();
    const clock = {
      t: Date.UTC(2026, 10, 1, 6),
      now() {
        return this.t;
      },
    };
    const first = await kind.open();
    const dying = killedAfterLastFinalize(first);
    await runner(dying.store, world, clock).runner.tick();
    await first.close();
    // What a version that changed the state in a separate step left behind.
    await kind.raw("UPDATE invoice_runs SET state = 'drafted'");
    const store = await kind.open();
    t.teardown(() => store.close());
    const { runner: r, outputs } = runner(store, world, clock);
    const out = await r.tick();
    t.same(
      out.runs.map((x) => x.actions),
      [['render', 'done']],
      'it renders, finalized, then done',
    );
    t.match(await store.run('ams1', '2026-10'), { state: 'complete' });
    t.same(outputs.rendered, ['AMS1-2026-000001', 'AMS1-2026-000002']);
    t.same((await r.tick()).runs, [], 'a complete run is left alone');
  });
}

let files = 0;
t.test('SQLite', async (t) => {
  crashWindow(t, () => {
    const file = join(dir, `c-${++files}.db`);
    return {
      open: async () => openSqliteBillingStore({ file, log: quietLog }),
      raw: async (sql) => {
        const db = new Database(file);
        try {
          db.exec(sql);
        } finally {
          db.close();
        }
      },
    };
  });
});

t.test('PostgreSQL', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  const pool = new pg.Pool({ connectionString: PG_URL, max: 1 });
  t.teardown(() => pool.end());
  crashWindow(t, () => {
    const schema = schemas.next();
    return {
      open: () => openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, maxConnections: 3 }),
      raw: async (sql) => {
        await pool.query(`SET search_path TO "${schema}"; ${sql}`);
      },
    };
  });
});
