// `joulebook invoice ...`: run a month now, list, show (through the renderer), release or recompute a held
// draft. The factory does no I/O; `open` is called when a subcommand runs (the integration opens the
// store and builds the runner there).
import { Command } from 'commander';
import { oneOf } from '../../../common/cli-args.js';
import type { BillingStore, InvoiceStatus, StoredInvoice } from '../../storage/billing/types.js';
import { PeriodBeforeBillingError, PeriodNotClosedError } from './invoiceable.js';
import { NothingToInvoiceError, type PeriodOutcome } from './period.js';
import type { InvoiceRunner } from './runner.js';
import { INVOICE_FORMATS, type InvoiceFormat, type RenderInvoice } from './types.js';

export interface InvoiceCliContext {
  runner: InvoiceRunner;
  store: BillingStore;
  render: RenderInvoice;
  close(): Promise<void>;
}

export interface InvoiceCliDeps {
  open(): Promise<InvoiceCliContext>;
  stdout: { write(chunk: string | Uint8Array): unknown };
}

const row = (i: StoredInvoice): string =>
  [
    i.number ?? `#${i.id}`,
    i.entity,
    i.period,
    i.customer,
    ...(i.account !== i.customer ? [i.account] : []),
    i.status,
    `${i.total} ${i.currency}`,
    i.review.length ? `review: ${i.review.join('; ')}` : '',
  ]
    .join('\t')
    .trimEnd();

function outcomeLine(o: PeriodOutcome): string {
  if (!o.locked) return `${o.entity} ${o.period}: another central instance is running it`;
  const who = `${o.entity} ${o.period}${o.customer ? ` ${o.customer}` : ''}`;
  const done = o.finalized.length ? `finalized ${o.finalized.join(', ')}` : 'nothing new to finalize';
  const held = o.held ? `; ${o.held} held for review` : '';
  const pending = o.undelivered ? `; ${o.undelivered} webhook deliveries pending` : '';
  return `${who}: ${done}${held}${pending}`;
}

/** Throws the entity's own error for one entity; for several, one error naming each refused one. */
function refuseUnlessInvoiceable(runner: InvoiceRunner, entities: readonly string[], period: string): void {
  const refused: Error[] = [];
  for (const entity of entities) {
    try {
      runner.checkInvoiceable(entity, period);
    } catch (err) {
      if (!(err instanceof PeriodNotClosedError || err instanceof PeriodBeforeBillingError)) throw err;
      refused.push(err);
    }
  }
  if (refused.length === 1 && entities.length === 1) throw refused[0]!;
  if (refused.length > 0) {
    const more = refused.length < entities.length ? '; run the others with --entity' : '';
    throw new InvoicePeriodRefusedError(`nothing was run: ${refused.map((e) => e.message).join('; ')}${more}`);
  }
}

/** `invoice run` refused the month of one or more entities; nothing was stored. */
export class InvoicePeriodRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvoicePeriodRefusedError';
  }
}

export function invoiceCommand(deps: InvoiceCliDeps): Command {
  const print = (s: string) => deps.stdout.write(`${s}\n`);
  const withContext = async (fn: (c: InvoiceCliContext) => Promise<void>) => {
    const c = await deps.open();
    try {
      await fn(c);
    } finally {
      await c.close();
    }
  };
  const cmd = new Command('invoice').description('invoice runs: drafts, final invoices, held drafts');

  cmd
    .command('run')
    .description('invoice a month now (the schedule does this by itself after the grace period)')
    .requiredOption('--period <YYYY-MM>', "the month, in each site's time zone")
    .option('--entity <id>', 'one issuing entity (default: every one); a site that invoices alone is one under its id')
    .option('--site <id>', 'the same as --entity, for a site that invoices alone')
    .option('--customer <id>', 'one customer (the rest of the month stays for the scheduled run)')
    .option('--dry-run', 'compute and print the drafts; store nothing')
    .action((o: { period: string; entity?: string; site?: string; customer?: string; dryRun?: boolean }) =>
      withContext(async (c) => {
        const one = o.entity ?? o.site;
        const entities = one ? [c.runner.entity(one)] : c.runner.entities();
        // Every entity is checked before any runs: a month still open somewhere runs nowhere (name an --entity).
        refuseUnlessInvoiceable(
          c.runner,
          entities.map((s) => s.id),
          o.period,
        );
        for (const site of entities) {
          if (o.dryRun) {
            for (const d of await c.runner.preview(site.id, o.period, o.customer)) {
              print(
                [
                  site.id,
                  o.period,
                  d.draft.customer,
                  ...(d.draft.account !== d.draft.customer ? [d.draft.account] : []),
                  `${d.draft.total} ${d.draft.currency}`,
                  d.review.length ? `would be held: ${d.review.join('; ')}` : 'would be finalized',
                ].join('\t'),
              );
            }
            continue;
          }
          try {
            print(outcomeLine(await c.runner.runPeriod(site.id, o.period, o.customer !== undefined ? { customer: o.customer } : {})));
          } catch (err) {
            if (!(err instanceof NothingToInvoiceError) || one) throw err;
          }
        }
      }),
    );

  cmd
    .command('list')
    .description('invoices and held drafts')
    .option('--entity <id>')
    .option('--site <id>', 'the same as --entity, for a site that invoices alone')
    .option('--period <YYYY-MM>')
    .option('--customer <id>')
    .option('--status <s>', 'draft, held or final', oneOf(['draft', 'held', 'final'] as const))
    .action((o: { entity?: string; site?: string; period?: string; customer?: string; status?: InvoiceStatus }) =>
      withContext(async (c) => {
        const { site, entity, ...rest } = o;
        const id = entity ?? site;
        for (const i of await c.store.invoices({ ...rest, ...(id !== undefined ? { entity: id } : {}) })) print(row(i));
      }),
    );

  cmd
    .command('show')
    .description('one invoice, rendered')
    .argument('<number>', 'invoice number, #id or site/period/customer')
    .option('--format <f>', 'json, csv, pdf or ubl (the e-invoice, XML)', oneOf(INVOICE_FORMATS), 'json' as InvoiceFormat)
    .action((ref: string, o: { format: InvoiceFormat }) =>
      withContext(async (c) => {
        const out = await c.render(await c.runner.find(ref), o.format);
        deps.stdout.write(out);
      }),
    );

  cmd
    .command('release')
    .description('finalize a held draft anyway; who and why are recorded on the invoice')
    .argument('<ref>', 'site/period/customer or #id of the held draft')
    .requiredOption('--by <who>', 'the person releasing it')
    .requiredOption('--reason <text>', 'why it is right to invoice it as it is')
    .action((ref: string, o: { by: string; reason: string }) =>
      withContext(async (c) => {
        print(row(await c.runner.release(ref, o)));
      }),
    );

  cmd
    .command('recompute')
    .description('recompute a held draft (late data arrived); finalized when it no longer needs review')
    .argument('<ref>', 'site/period/customer or #id of the held draft')
    .action((ref: string) =>
      withContext(async (c) => {
        print(row(await c.runner.recompute(ref)));
      }),
    );
  return cmd;
}
