// Central instances sharing one PostgreSQL: ticking at the same moment, they invoice every month once,
// numbered in order without gaps, and each month is computed once (the run lock plus the machine reading
// the run again under it).
import t, { type Test } from 'tap';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { AMS, recordingOutputs, World } from './world.js';

const schemas = pgSchemas('jb_runs');
const H = 3_600_000;

t.test('concurrent central instances on PostgreSQL', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());

  const instances = async (t: Test, count: number, world: World) => {
    const schema = schemas.next();
    const clock = { now: () => Date.UTC(2026, 10, 1, 6) };
    const made = [];
    for (let i = 0; i < count; i++) {
      const store = await openPostgresBillingStore({ connectionString: PG_URL, schema, log: quietLog, maxConnections: 3 });
      t.teardown(() => store.close());
      const outputs = recordingOutputs();
      made.push({
        store,
        outputs,
        runner: new InvoiceRunner({
          store,
          computeDrafts: world.computeDrafts,
          outputs,
          clock,
          log: quietLog,
          owner: `node-${i}`,
          entities: [{ ...AMS, since: '2026-07' }],
          settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
        }),
      });
    }
    return made;
  };

  t.test('three instances tick at once: one set of invoices', async (t) => {
    const world = new World();
    world.delayMs = 150;
    const nodes = await instances(t, 3, world);
    const reports = await Promise.all(nodes.map((n) => n.runner.tick()));
    t.same(
      reports.flatMap((r) => r.errors),
      [],
      'no errors',
    );
    const invoices = await nodes[0]!.store.invoices();
    t.same(
      invoices.map((i) => [i.period, i.customer, i.number]),
      [
        ['2026-07', 'acme', 'AMS1-2026-000001'],
        ['2026-07', 'globex', 'AMS1-2026-000002'],
        ['2026-08', 'acme', 'AMS1-2026-000003'],
        ['2026-08', 'globex', 'AMS1-2026-000004'],
        ['2026-09', 'acme', 'AMS1-2026-000005'],
        ['2026-09', 'globex', 'AMS1-2026-000006'],
        ['2026-10', 'acme', 'AMS1-2026-000007'],
        ['2026-10', 'globex', 'AMS1-2026-000008'],
      ],
      'every month once, numbered in order',
    );
    t.same([...world.calls].sort(), ['ams1/2026-07', 'ams1/2026-08', 'ams1/2026-09', 'ams1/2026-10'], 'each month computed once');
    t.equal(
      nodes.reduce((s, n) => s + n.outputs.rendered.length, 0),
      8,
      'each invoice rendered once, by whichever instance ran it',
    );
    t.ok(
      reports.some((r) => r.runs.some((x) => !x.locked)),
      'an instance found a run locked by another',
    );
    const again = await Promise.all(nodes.map((n) => n.runner.tick()));
    t.same(
      again.flatMap((r) => r.runs),
      [],
      'a second round does nothing',
    );
    t.equal((await nodes[1]!.store.invoices()).length, 8);
  });

  t.test('the same month run by hand on two instances at once: one runs it, the other is told', async (t) => {
    const world = new World();
    world.delayMs = 150;
    const [a, b] = await instances(t, 2, world);
    const outs = await Promise.all([a!.runner.runPeriod('ams1', '2026-10'), b!.runner.runPeriod('ams1', '2026-10')]);
    t.same(outs.map((o) => o.locked).sort(), [false, true]);
    t.same(outs.flatMap((o) => o.finalized).sort(), ['AMS1-2026-000001', 'AMS1-2026-000002']);
    t.same(world.calls, ['ams1/2026-10']);
  });
});
