// Builds the invoice runs from central.yaml and the stores the caller opened (storage/backends.ts): the
// tariffs, drafts computed from the readings, the outputs of invoices and notes written as JSON, CSV, PDF and
// UBL e-invoice (.xml, where the document can be one), and the invoicing system's webhook. Composition only
// (called from central/main.ts and the `invoice` command); the parts are tested alone.
import { mkdir, writeFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import type { Logger } from 'pino';
import type { CentralConfig } from '../config/central-schema.js';
import { fixedModel, type ModelSource } from '../model/holder.js';
import type { InventoryModel } from '../model/types.js';
import type { BillingStore } from '../storage/billing/types.js';
import type { CentralStore } from '../storage/readings/types.js';
import { documentRenderers } from './documents.js';
import { readLogo } from './render/logo.js';
import { documentFiles, webhookDocuments } from './outputs.js';
import { computeDrafts } from './drafts.js';
import { InvoiceRunner } from './run/runner.js';
import type { RenderInvoice, RenderNote, RunEntity } from './run/types.js';
import type { EntityInfo } from '../model/contracts/types.js';
import type { TariffBook } from '../model/tariffs/tariff.js';
import { noteWebhookDelivery, webhookDelivery } from './run/webhook.js';
import { readTariffs } from '../config/tariff-load.js';

export interface Billing {
  runner: InvoiceRunner;
  store: BillingStore & { close(): Promise<void> | void };
  render: RenderInvoice;
  renderNote: RenderNote;
  /** The entities invoiced now (the sites with a tariff and a first month): what retention waits for. */
  entities: () => RunEntity[];
  close(): Promise<void>;
}

export interface BillingDeps {
  config: CentralConfig;
  readings: CentralStore;
  /** The billing tables; the Billing built here owns it from then on (its close() closes it). */
  store: BillingStore & { close(): Promise<void> | void };
  model: InventoryModel;
  /** The running node's model and tariffs with the operators' edits; each draft and document reads current(). */
  models?: ModelSource;
  log: Logger;
  clock: { now(): number };
}

export async function openBilling(deps: BillingDeps): Promise<Billing> {
  try {
    return await composeBilling(deps);
  } catch (err) {
    await deps.store.close();
    throw err;
  }
}

async function composeBilling(deps: BillingDeps): Promise<Billing> {
  const { config, model, log, store } = deps;
  const b = config.billing;
  if (!b) throw new Error('central.yaml has no billing section');
  const models = deps.models ?? fixedModel(model, await readTariffs([b.tariffs], model));
  const sinceOf = (site: string): string | undefined => (typeof b.since === 'string' ? b.since : b.since[site]);
  // The sites of an entity invoiced in a month: with a tariff, and billing begun there by then.
  const sitesIn = (entity: EntityInfo, month: string, tariffs: TariffBook): string[] =>
    entity.sites.filter((s) => tariffs.has(s) && (sinceOf(s) ?? '9999-12') <= month);
  // Asked at each tick: a site whose first tariff version arrives through the API is invoiced from then on.
  const entities = (): RunEntity[] => {
    const { model: m, tariffs } = models.current();
    return [...m.parties.entities.values()].flatMap((e) => {
      const invoiced = e.sites.filter((s) => tariffs.has(s) && sinceOf(s) !== undefined);
      if (invoiced.length === 0) return [];
      const since = invoiced.map((s) => sinceOf(s)!).sort()[0]!;
      return [{ id: e.id, timeZone: e.timeZone, zones: invoiced.map((s) => m.sites.get(s)!.timeZone), since }];
    });
  };
  // Logos are read once per file (the inventory names them relative to itself); a bad one is printed without, with a warning.
  const logos = new Map<string, Promise<Uint8Array | undefined>>();
  const baseDir = dirname(config.inventory ?? '.');
  const logo = (file: string | undefined) => {
    if (file === undefined) return Promise.resolve(undefined);
    if (!logos.has(file)) logos.set(file, readLogo(file, { baseDir, warn: (m) => log.warn({ area: 'invoices' }, m) }));
    return logos.get(file)!;
  };
  const { render, renderNote } = documentRenderers({ models, store, logo });
  const renderers = { render, renderNote };
  const files = documentFiles(b.outputDir, renderers, log.child({ area: 'invoices' }));
  const hook = b.webhook && {
    settings: b.webhook,
    deps: { sleep: (ms: number) => new Promise<void>((r) => setTimeout(r, ms)), documents: webhookDocuments(renderers) },
  };
  // A site's month is invoiced once: when a site moved to another entity (or began invoicing alone) after
  // that month was invoiced under an entity that is gone, it stays there. Only runs of entities the model
  // no longer has are read (their invoices' sections), so a tick's rechecks read no invoices at all.
  const sitesTaken = async (entity: string, month: string, m: InventoryModel): Promise<Set<string>> => {
    const gone = (await store.runs()).filter((r) => r.period === month && r.entity !== entity && !m.parties.entities.has(r.entity));
    const taken = new Set<string>();
    for (const r of gone) for (const i of await store.invoices({ runId: r.id })) for (const s of i.draft.sections) taken.add(s.site);
    return taken;
  };
  const runner = new InvoiceRunner({
    store,
    entities,
    clock: deps.clock,
    log: log.child({ area: 'invoices' }),
    owner: config.central.id,
    settings: { graceMs: b.graceHours * 3_600_000, minMeasuredShare: b.minMeasuredPct / 100, recheckMonths: b.recheckMonths },
    computeDrafts: async (entity, month, customer) => {
      const now = models.current();
      const info = now.model.parties.entities.get(entity);
      const taken = await sitesTaken(entity, month, now.model);
      const sites = info ? sitesIn(info, month, now.tariffs).filter((s) => !taken.has(s)) : [];
      return computeDrafts({ store: deps.readings, model: now.model, tariffs: now.tariffs }, entity, month, {
        sites,
        ...(customer !== undefined ? { customer } : {}),
      });
    },
    outputs: {
      invoice: files.invoice,
      note: files.note,
      summary: async (run, invoices) => {
        const dir = join(b.outputDir, run.entity, run.period);
        await mkdir(dir, { recursive: true });
        const rows = invoices.map((i) => ({
          number: i.number,
          customer: i.customer,
          account: i.account,
          status: i.status,
          total: i.total,
          currency: i.currency,
          review: i.review,
        }));
        await writeFile(
          join(dir, 'summary.json'),
          `${JSON.stringify({ entity: run.entity, period: run.period, state: run.state, invoices: rows }, null, 2)}\n`,
        );
      },
    },
    ...(hook ? { deliver: webhookDelivery(hook.settings, hook.deps), deliverNote: noteWebhookDelivery(hook.settings, hook.deps) } : {}),
  });
  return {
    runner,
    store,
    render,
    renderNote,
    entities,
    close: async () => {
      await store.close();
    },
  };
}
