// `joulebook invoice ...` through commander, on a SQLite store and real drafts; the renderer is the
// integration's, so a recording one stands in for it here.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Command } from 'commander';
import t from 'tap';
import { quietLog } from '../helpers/env.js';
import { waitFor } from '../helpers/wait.js';
import { invoiceCommand } from '../../central/billing/run/cli.js';
import { InvoiceRunner } from '../../central/billing/run/runner.js';
import { startTickSchedule, CronExpressionError } from '../../central/billing/run/schedule.js';
import type { InvoiceFormat } from '../../central/billing/run/types.js';
import { openSqliteBillingStore } from '../../central/storage/billing/sqlite.js';
import { AMS, recordingOutputs, World } from './world.js';

const H = 3_600_000;

t.test('invoice run, list, show, release, recompute', async (t) => {
  const file = join(mkdtempSync(join(tmpdir(), 'jb-cli-')), 'c.db');
  const world = new World();
  world.gaps.add('globex@2026-10');
  const rendered: [string, InvoiceFormat][] = [];
  let opened = 0;
  let closed = 0;
  let out = '';
  const deps = {
    stdout: {
      write: (s: string | Uint8Array) => {
        out += typeof s === 'string' ? s : `<${s.length} bytes>`;
      },
    },
    open: async () => {
      opened++;
      const store = openSqliteBillingStore({ file, log: quietLog, now: () => Date.UTC(2026, 10, 2) });
      const runner = new InvoiceRunner({
        store,
        computeDrafts: world.computeDrafts,
        outputs: recordingOutputs(),
        clock: { now: () => Date.UTC(2026, 10, 2) },
        log: quietLog,
        owner: 'cli',
        entities: [AMS],
        settings: { graceMs: 6 * H, minMeasuredShare: 0.999, recheckMonths: 0 },
      });
      return {
        runner,
        store,
        render: async (inv: { number: string | undefined }, format: InvoiceFormat) => {
          rendered.push([inv.number ?? '?', format]);
          return format === 'pdf' ? new Uint8Array(3) : `${format}:${inv.number}\n`;
        },
        close: async () => {
          closed++;
          store.close();
        },
      };
    },
  };
  const cli = async (...args: string[]) => {
    out = '';
    const program = new Command('joulebook').addCommand(invoiceCommand(deps));
    // Commander errors throw instead of exiting the test process (settings are not inherited by addCommand).
    const quiet = (c: Command): void => {
      c.exitOverride().configureOutput({ writeErr: () => undefined });
      c.commands.forEach(quiet);
    };
    quiet(program);
    await program.parseAsync(['invoice', ...args], { from: 'user' });
    return out;
  };
  t.equal(opened, 0, 'building the command opens nothing');

  t.equal(
    await cli('run', '--period', '2026-10', '--dry-run'),
    'ams1\t2026-10\tacme\t149.00 EUR\twould be finalized\nams1\t2026-10\tglobex\t298.00 EUR\twould be held: measured share 99.56% is under 99.90%\n',
  );
  t.equal(await cli('list'), '', 'a dry run stored nothing');
  t.equal(await cli('run', '--period', '2026-10', '--site', 'ams1'), 'ams1 2026-10: finalized AMS1-2026-000001; 1 held for review\n');
  t.equal(await cli('run', '--period', '2026-10'), 'ams1 2026-10: nothing new to finalize; 1 held for review\n', 'again: nothing changes');
  t.equal(
    await cli('list'),
    'AMS1-2026-000001\tams1\t2026-10\tacme\tfinal\t149.00 EUR\n#2\tams1\t2026-10\tglobex\theld\t298.00 EUR\treview: measured share 99.56% is under 99.90%\n',
  );
  t.equal(
    await cli('list', '--status', 'held'),
    '#2\tams1\t2026-10\tglobex\theld\t298.00 EUR\treview: measured share 99.56% is under 99.90%\n',
  );
  t.equal(await cli('show', 'AMS1-2026-000001', '--format', 'csv'), 'csv:AMS1-2026-000001\n');
  t.equal(await cli('show', 'AMS1-2026-000001'), 'json:AMS1-2026-000001\n', 'json by default');
  t.equal(await cli('show', 'AMS1-2026-000001', '--format', 'pdf'), '<3 bytes>');
  await t.rejects(cli('show', 'AMS1-2026-000001', '--format', 'xml'), /expected one of json, csv, pdf/);
  await t.rejects(cli('show', 'AMS1-2026-000099'), { name: 'InvoiceNotFoundError' });
  t.equal(
    await cli('recompute', 'ams1/2026-10/globex'),
    '#2\tams1\t2026-10\tglobex\theld\t298.00 EUR\treview: measured share 99.56% is under 99.90%\n',
    'still missing data: still held',
  );
  await t.rejects(cli('release', '#2', '--by', 'ops'), /required option '--reason/);
  t.equal(
    await cli('release', '#2', '--by', 'ops@ams1', '--reason', 'estimate checked'),
    'AMS1-2026-000002\tams1\t2026-10\tglobex\tfinal\t298.00 EUR\treview: measured share 99.56% is under 99.90%\n',
  );
  t.equal(await cli('run', '--period', '2026-10', '--customer', 'nobody'), '', 'a customer with nothing at any site: nothing printed');
  await t.rejects(cli('run', '--period', '2026-10', '--site', 'ams1', '--customer', 'nobody'), { name: 'NothingToInvoiceError' });
  await t.rejects(cli('run', '--period', '2026-10', '--site', 'nyc1'), { name: 'UnknownEntityError' });
  t.same(rendered, [
    ['AMS1-2026-000001', 'csv'],
    ['AMS1-2026-000001', 'json'],
    ['AMS1-2026-000001', 'pdf'],
  ]);
  t.equal(closed, opened, 'every context opened was closed, errors included');
});

t.test('the schedule ticks at start and on its cron; a bad expression is refused', async (t) => {
  t.throws(
    () =>
      startTickSchedule({
        tick: async () => ({ runs: [], notes: [], sentNotes: [], errors: [], skipped: false }),
        log: quietLog,
        cron: 'every hour',
      }),
    CronExpressionError,
  );
  let ticks = 0;
  const s = startTickSchedule({
    log: quietLog,
    cron: '* * * * * *',
    tick: async () => {
      ticks++;
      if (ticks === 2) throw new Error('boom');
      return { runs: [], notes: [], sentNotes: [], errors: [], skipped: false };
    },
  });
  await s.first;
  t.equal(ticks, 1, 'one tick at start');
  // node-cron runs on real time (it takes no clock): wait for its ticks, the second of which throws, and one after.
  await waitFor(() => ticks >= 3, { timeoutMs: 15_000, what: () => `two cron ticks after the first (${ticks} ticks)` });
  await s.stop();
  t.ok(ticks >= 3, `the cron ticked too (${ticks} ticks); a failing tick did not stop it`);
  const after = ticks;
  // Negative assert: a stopped schedule must stay quiet past its next second.
  await new Promise((r) => setTimeout(r, 1100));
  t.equal(ticks, after, 'stopped');
});
