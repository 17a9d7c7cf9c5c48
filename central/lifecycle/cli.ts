// `joulebook central storage status|prune|rollup`: what the stored data weighs per tier and what the next
// retention pass removes, and one pass run by hand (under the same lock as the node's, so never beside
// another instance's). The command is built from a deps object; the composition root opens the stores.
import { Command } from 'commander';
import type { Lifecycle } from './compose.js';
import { formatStatus } from './status.js';

export interface OpenedLifecycle {
  lifecycle: Lifecycle;
  close(): Promise<void>;
}

export interface StorageCommandDeps {
  /** Opens the stores and the model central.yaml names, and the lifecycle on them. */
  open(configFile: string): Promise<OpenedLifecycle>;
  write(text: string): void;
}

const iso = (ms: number | undefined): string | null => (ms === undefined ? null : new Date(ms).toISOString());

async function withLifecycle(deps: StorageCommandDeps, file: string, fn: (l: Lifecycle) => Promise<void>): Promise<void> {
  const opened = await deps.open(file);
  try {
    await fn(opened.lifecycle);
  } finally {
    await opened.close();
  }
}

/** Another instance holds the lifecycle lock: the command did nothing. */
export class LifecycleBusyError extends Error {
  constructor() {
    super('another central instance is running a lifecycle pass; try again when it is done');
    this.name = 'LifecycleBusyError';
  }
}

export function storageCommand(deps: StorageCommandDeps): Command {
  const cmd = new Command('storage').description('the stored data: sizes per tier, rollups and retention (docs/storage.md)');
  cmd
    .command('status')
    .description('sizes per tier, oldest raw reading and rollup day, what the next retention pass removes, rollup lag')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) =>
      withLifecycle(deps, o.config, async (l) => {
        const s = await l.status();
        deps.write(o.json ? `${JSON.stringify(s)}\n` : formatStatus(s));
      }),
    );
  cmd
    .command('prune')
    .description('one retention pass now: raw readings, rollup days, events and alerts past their retention')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--dry-run', 'say what would be removed, remove nothing')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; dryRun?: boolean; json?: boolean }) =>
      withLifecycle(deps, o.config, async (l) => {
        if (o.dryRun) {
          const { next } = await l.status();
          deps.write(
            o.json
              ? `${JSON.stringify({ dryRun: true, ...next })}\n`
              : `would remove ${next.rawRemovable} raw readings before ${iso(next.rawCutoffMs)} (held by ${next.heldBy}), ` +
                  `${next.rollupDaysRemovable} rollup days before ${iso(next.rollupCutoffMs)}` +
                  (next.historyCutoffMs === undefined ? '' : `, events and alerts before ${iso(next.historyCutoffMs)}`) +
                  '\n',
          );
          return;
        }
        // By hand the batches run to the end: the operator asked for it and waits.
        const r = await l.pass({ parts: 'retention', retention: { maxBatches: Number.POSITIVE_INFINITY } });
        if (!r.locked || !r.retention) throw new LifecycleBusyError();
        const x = r.retention;
        deps.write(
          o.json
            ? `${JSON.stringify(x)}\n`
            : `removed ${x.rawRemoved} raw readings before ${iso(x.plan.raw.cutoffMs)} (held by ${x.plan.raw.reason}), ` +
                `${x.rollupDaysRemoved} rollup days, ${x.historyRemoved} events and alerts in ${x.ms} ms; ` +
                `raw complete from ${iso(x.rawFromMs) ?? 'the start'}\n`,
        );
      }),
    );
  cmd
    .command('rollup')
    .description('one rollup pass now: new readings, late readings and late epoch events rolled up')
    .requiredOption('-c, --config <file>', 'central.yaml')
    .option('--json', 'print JSON')
    .action(async (o: { config: string; json?: boolean }) =>
      withLifecycle(deps, o.config, async (l) => {
        const r = await l.pass({ parts: 'rollups' });
        if (!r.locked || !r.rollups) throw new LifecycleBusyError();
        const x = r.rollups;
        deps.write(
          o.json
            ? `${JSON.stringify(x)}\n`
            : `rolled up ${x.series} series: ${x.days} days covering ${x.readings} readings in ${x.ms} ms` +
                (x.lateEpochs > 0 ? `; ${x.lateEpochs} series rebuilt for late epoch events` : '') +
                (x.failed > 0 ? `; ${x.failed} series failed (see the log), left for the next pass` : '') +
                '\n',
        );
      }),
    );
  return cmd;
}
