// `joulebook central ...`: run the central node; manage its broker's users.
import { Command } from 'commander';
import type { Logger } from 'pino';
import { authService, openModelHolder } from './api/compose.js';
import { tokenCommand, userCommand, type AuthCommandDeps } from './auth/cli.js';
import { brokerCommand } from './broker/cli.js';
import { readCentralConfig } from './config/central-load.js';
import { processClock } from '../common/clock.js';
import { centralLogger } from './log.js';
import { openStore, startCentral, type RunningCentral } from './main.js';
import { CENTRAL_STOP_BUDGET_MS } from '../common/stop-budget.js';
import { openBilling } from './billing/compose.js';
import { invoiceCommand } from './billing/run/cli.js';
import { energyCommand } from './energy/cli.js';
import { readInventory } from './config/inventory-load.js';
import { review, type Review } from './model/review.js';
import { storageBackend } from './storage/backends.js';
import { untilSignal } from '../common/cli-args.js';
import { storageCommand } from './lifecycle/cli.js';
import { composeLifecycle } from './lifecycle/compose.js';

export function centralCommand(): Command {
  const cmd = new Command('central')
    .description('the central node: ingest from every gateway, store, account energy, invoice')
    .enablePositionalOptions()
    .option('-c, --config <file>', 'central.yaml')
    .option('--new-database', 'start a new, empty database where none is, or in an empty SQLite file (never over a database)')
    .action(async (o: { config?: string; newDatabase?: boolean }) => {
      if (!o.config) {
        cmd.help({ error: true });
        return;
      }
      const config = await readCentralConfig(o.config);
      const log = centralLogger(config.log.level);
      // Listening before starting: a SIGTERM during start-up stops the node too, never by the default action.
      const signalled = untilSignal((signal) => log.warn({ signal }, 'signal received again; the stop is under way'));
      const starting = startCentral({ config, clock: processClock(), log, newDatabase: o.newDatabase });
      await runUntilSignal(starting, signalled, log);
    });
  cmd
    .command('review')
    .description('points no customer holds, and series no point of the inventory reads, over a period')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--from <date>', 'start (ISO date or time; default 30 days before --to)')
    .option('--to <date>', 'end (ISO date or time)')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; from?: string; to?: string; json?: boolean }) => {
      const config = await readCentralConfig(o.config);
      if (!config.inventory) throw new Error(`${o.config}: inventory: needed for a review`);
      const { model } = await readInventory(config.inventory);
      const store = await openStore(config, centralLogger('warn'));
      try {
        const toMs = o.to ? Date.parse(o.to) : processClock().now();
        const fromMs = o.from ? Date.parse(o.from) : toMs - 30 * 86_400_000;
        if (!Number.isFinite(fromMs) || !Number.isFinite(toMs) || fromMs >= toMs)
          throw new Error('--from and --to must be dates, --from before --to');
        const r = review(model, await store.listSeries(), { fromMs, toMs });
        process.stdout.write(o.json ? `${JSON.stringify(r)}\n` : `${reviewText(r)}\n`);
      } finally {
        await store.close();
      }
    });
  cmd.addCommand(brokerCommand());
  cmd.addCommand(storageCommand({ open: openLifecycle, write: (text) => process.stdout.write(text) }));
  const authDeps: AuthCommandDeps = { open: openAuth, write: (text) => process.stdout.write(text), readStdin };
  cmd.addCommand(userCommand(authDeps));
  cmd.addCommand(tokenCommand(authDeps));
  return cmd;
}

/** A wait that never keeps the process alive by itself. */
const sleep = (ms: number) =>
  new Promise<undefined>((resolve) => {
    setTimeout(() => resolve(undefined), Math.max(0, ms)).unref();
  });

/**
 * Runs the node until SIGTERM or SIGINT, then stops it within 2 s whatever its broker and clients do: a
 * start-up still waiting (a broker that does not answer) gets a moment and is then abandoned; a stop is
 * given CENTRAL_STOP_BUDGET_MS; whatever still holds the process after that does not keep it alive.
 */
async function runUntilSignal(starting: Promise<RunningCentral>, signalled: Promise<void>, log: Logger): Promise<void> {
  const first = await Promise.race([starting, signalled.then(() => undefined)]);
  const signalMs = first === undefined ? performance.now() : await signalled.then(() => performance.now());
  log.info('signal received; stopping');
  const central = first ?? (await Promise.race([starting.catch(() => undefined), sleep(300)]));
  if (central === undefined) {
    log.warn('start-up had not finished; exiting without it');
    process.exit(1);
  }
  const stopped = await Promise.race([central.stop(CENTRAL_STOP_BUDGET_MS).then(() => true), sleep(1800 - (performance.now() - signalMs))]);
  if (!stopped) {
    log.warn({ tookMs: Math.round(performance.now() - signalMs) }, 'the stop did not finish in time; exiting');
    process.exit(1);
  }
  // A client or timer that outlives the stop must not hold the process: it has done all it had to do.
  setTimeout(() => {
    log.warn('something still held the process after the stop; exiting');
    process.exit(0);
  }, 150).unref();
}

function reviewText(r: Review): string {
  const lines = [`${r.unassigned.length} point(s) not held by any customer for part of the period:`];
  for (const u of r.unassigned) {
    const gaps = u.gaps.map(
      (g) => `${new Date(g.fromMs).toISOString()} .. ${Number.isFinite(g.toMs) ? new Date(g.toMs).toISOString() : 'open'}`,
    );
    lines.push(`  ${u.point.id}  (${u.point.site}${u.point.rack ? `, rack ${u.point.rack}` : ''})  ${gaps.join(', ')}`);
  }
  lines.push(`${r.unmapped.length} series read by no point of the inventory:`);
  for (const s of r.unmapped) lines.push(`  ${s.site}/${s.gateway} ${s.device} ${s.channel}`);
  return lines.join('\n');
}

/** The API's users and tokens in the database central.yaml names; customers checked against the inventory. */
async function openAuth(file: string) {
  const config = await readCentralConfig(file);
  const log = centralLogger('warn');
  const model = config.inventory ? (await readInventory(config.inventory)).model : undefined;
  // The database's checks and storage.*.create first, as when the node starts; then the users' tables.
  const storage = storageBackend(config.storage);
  await (await openStore(config, log, { writerThread: false }, storage)).close();
  const access = await storage.openAccess(log);
  return {
    auth: authService(config, access, model ? (id) => model.customers.has(id) : undefined, log, processClock()),
    close: () => access.close(),
  };
}

async function readStdin(): Promise<string> {
  const chunks: Buffer[] = [];
  for await (const c of process.stdin) chunks.push(c as Buffer);
  return Buffer.concat(chunks).toString('utf8');
}

/**
 * Opens what central.yaml names for one command: the readings store and the model, the operators' edits
 * (made through the API) applied, so a command sees what the running node sees.
 */
async function openCentral(file: string) {
  const config = await readCentralConfig(file);
  if (!config.inventory) throw new Error(`${file}: inventory: needed here`);
  const inventory = await readInventory(config.inventory);
  const log = centralLogger(config.log.level === 'info' ? 'warn' : config.log.level);
  const storage = storageBackend(config.storage);
  const store = await openStore(config, log, {}, storage);
  try {
    const access = await storage.openAccess(log);
    try {
      const models = await openModelHolder({ config, inventory, edits: access, log, clock: processClock() });
      return { config, storage, model: models.current().model, models, store, log, close: () => store.close() };
    } finally {
      await access.close();
    }
  } catch (err) {
    await store.close();
    throw err;
  }
}

/** The lifecycle on the stores central.yaml names, with billing's runs and lock where it has a billing section. */
async function openLifecycle(file: string) {
  const { config, storage, model, models, store, log, close } = await openCentral(file);
  try {
    const billing = config.billing
      ? await openBilling({ config, readings: store, store: await storage.openBilling(log), model, models, log, clock: processClock() })
      : undefined;
    // Its own lock owner: a pass by hand never runs beside the node's, even on one SQLite file.
    const owner = `${config.central.id}:command`;
    const lifecycle = composeLifecycle({ config, store, billing, models, clock: processClock(), log, owner });
    return {
      lifecycle,
      close: async () => {
        await billing?.close();
        await close();
      },
    };
  } catch (err) {
    await close();
    throw err;
  }
}

/** `joulebook energy ...` */
export function energyCliCommand(): Command {
  return energyCommand({
    open: async (file) => {
      const { model, store, close } = await openCentral(file);
      return { store, model, close };
    },
    write: (text) => process.stdout.write(text),
  });
}

/** `joulebook invoice [-c central.yaml] run|list|show|release|recompute ...` */
export function invoiceCliCommand(): Command {
  const cmd: Command = invoiceCommand({
    open: async () => {
      const file = (cmd.opts() as { config: string }).config;
      const { config, storage, model, models, store, log, close } = await openCentral(file);
      try {
        const billingStore = await storage.openBilling(log.child({ area: 'billing' }));
        const billing = await openBilling({ config, readings: store, store: billingStore, model, models, log, clock: processClock() });
        return {
          ...billing,
          close: async () => {
            await billing.close();
            await close();
          },
        };
      } catch (err) {
        await close();
        throw err;
      }
    },
    stdout: process.stdout,
  });
  return cmd.option('-c, --config <file>', 'central.yaml (before the subcommand)', 'central.yaml').enablePositionalOptions();
}
