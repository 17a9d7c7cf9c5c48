// `joulebook central storage` as an operator runs it on a central.yaml: the example inventory's October in
// SQLite, invoices of October run and complete, the calendar on 20 December 2026. status says what is there
// and that nothing is rolled up; rollup builds; prune --dry-run says what would go; prune removes exactly
// the raw readings before the cutoff (35 days back), and status then shows raw complete from there.
import t from 'tap';
import { runCli } from '../helpers/cli.js';
import { exampleCentralConfig } from '../helpers/example-config.js';

const NOW = Date.parse('2026-12-20T12:00:00Z');
const cli = (args: string[]) => runCli(args, { timeoutMs: 60_000, env: { JB_NOW: new Date(NOW).toISOString() } });

t.test('storage status, rollup and prune on a central.yaml', async (t) => {
  const { config, readings: stored } = await exampleCentralConfig({ prefix: 'jb-storage-cli-' });

  const before = await cli(['central', 'storage', 'status', '--config', config, '--json']);
  t.equal(before.code, 0, before.stderr);
  const s0 = JSON.parse(before.stdout) as { figures: { rawRows: number }; unrolledSeries: number; next: { heldBy: string } };
  t.equal(s0.figures.rawRows, stored, 'every reading counted');
  t.ok(s0.unrolledSeries > 0, 'no series rolled up yet');
  t.not(s0.next.heldBy, 'age', `nothing rolled up, October not invoiced: retention waits (held by ${s0.next.heldBy})`);

  const text = await cli(['central', 'storage', 'status', '--config', config]);
  t.match(text.stdout, /raw/i, 'a human-readable status');

  const rolled = await cli(['central', 'storage', 'rollup', '--config', config, '--json']);
  t.equal(rolled.code, 0, rolled.stderr);
  t.ok((JSON.parse(rolled.stdout) as { days: number }).days > 0, 'rollup days built');

  const waiting = JSON.parse((await cli(['central', 'storage', 'status', '--config', config, '--json'])).stdout) as {
    next: { heldBy: string; rawRemovable: number };
  };
  t.equal(waiting.next.heldBy, 'invoices', 'rolled up, but October is not invoiced: retention waits for its invoices');

  // October invoiced to the end (numbered, written): retention may then take its raw readings.
  const run = await cli(['invoice', '-c', config, 'run', '--period', '2026-10']);
  t.equal(run.code, 0, run.stderr);

  const dry = await cli(['central', 'storage', 'prune', '--config', config, '--dry-run', '--json']);
  t.equal(dry.code, 0, dry.stderr);
  const plan = JSON.parse(dry.stdout) as { rawRemovable: number; rawCutoffMs: number; heldBy: string };
  t.ok(plan.rawRemovable > 0, `${plan.rawRemovable} readings would go`);
  t.ok(plan.rawCutoffMs <= NOW - 35 * 86_400_000, 'not before 35 days have passed');

  const pruned = await cli(['central', 'storage', 'prune', '--config', config, '--json']);
  t.equal(pruned.code, 0, pruned.stderr);
  const r = JSON.parse(pruned.stdout) as { rawRemoved: number; rawDone: boolean; rawFromMs: number };
  t.equal(r.rawRemoved, plan.rawRemovable, 'exactly what the dry run said');
  t.ok(r.rawDone);

  const after = JSON.parse((await cli(['central', 'storage', 'status', '--config', config, '--json'])).stdout) as {
    figures: { rawRows: number; rawFromMs: number };
  };
  t.equal(after.figures.rawRows, stored - r.rawRemoved, 'the rest is kept');
  t.equal(after.figures.rawFromMs, r.rawFromMs, 'raw complete from the cutoff');
});
