// The model the running central node reads: the inventory and tariff files with the operators' edits
// (stored append-only) applied. An accepted edit is stored, then the rebuilt model replaces the current
// one; billing, energy and the API call current() for each piece of work, so they see it at once.
// Edits are taken one at a time.
import type { Logger } from 'pino';
import type { TariffBook } from '../billing/tariff-load.js';
import { TariffVersion } from '../billing/tariff.js';
import { Assignment } from '../config/inventory-schema.js';
import type { AccessStore } from '../storage/access-types.js';
import { applyEdits, checkSupersedes, editsError, nextAssignmentVersion, type ModelBase, type TariffEdit } from './edits.js';
import type { InventoryModel } from './types.js';

export interface ModelSnapshot {
  model: InventoryModel;
  tariffs: TariffBook;
  /** Grows by one with every accepted edit (and each reload that found new ones): a cache key. */
  version: number;
}

export interface ModelSource {
  current(): ModelSnapshot;
}

/** A model that never changes (commands that run once). */
export function fixedModel(model: InventoryModel, tariffs: TariffBook = new Map()): ModelSource {
  const snap = { model, tariffs, version: 0 };
  return { current: () => snap };
}

export interface ModelHolderDeps {
  base: ModelBase;
  store: Pick<AccessStore, 'appendEdit' | 'edits'>;
  clock: { now(): number };
  log: Logger;
}

export type EditOutcome<T> = { ok: true; value: T; snapshot: ModelSnapshot } | { ok: false; problems: string[] };

export class ModelHolder implements ModelSource {
  private snapshot: ModelSnapshot | undefined;
  private assignments: Assignment[] = [];
  private tariffEdits: TariffEdit[] = [];
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ModelHolderDeps) {}

  current(): ModelSnapshot {
    if (!this.snapshot) throw new Error('the model is not loaded yet (ModelHolder.load)');
    return this.snapshot;
  }

  /** Reads every stored edit and builds the model; throws ConfigError when stored edits no longer apply. */
  async load(): Promise<ModelSnapshot> {
    const a = await this.deps.store.edits<Assignment>('assignment');
    const t = await this.deps.store.edits<TariffEdit>('tariff');
    const assignments = a.map((e) => Assignment.parse(e.body));
    const tariffs = t.map((e) => ({ site: e.body.site, version: TariffVersion.parse(e.body.version) }));
    const r = applyEdits(this.deps.base, assignments, tariffs);
    if (!r.ok) throw editsError(r.problems);
    this.assignments = assignments;
    this.tariffEdits = tariffs;
    this.snapshot = { ...r.value, version: (this.snapshot?.version ?? 0) + 1 };
    this.deps.log.info({ assignmentEdits: assignments.length, tariffEdits: tariffs.length, version: this.snapshot.version }, 'model built');
    return this.snapshot;
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every assignment, the files' and the edits', as written (with versions). */
  allAssignments(): Assignment[] {
    return [...this.deps.base.inventory.assignments, ...this.assignments];
  }

  /** A new assignment (version 1) or a new version of an existing id, superseding from its `from`. */
  addAssignment(input: Omit<Assignment, 'version'>, by: string): Promise<EditOutcome<Assignment>> {
    return this.serial(async () => {
      const all = this.allAssignments();
      const parsed = Assignment.safeParse({ ...input, version: nextAssignmentVersion(all, input.id) });
      if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) };
      const a = parsed.data;
      const order = checkSupersedes(all, a, this.current().model);
      if (order.length > 0) return { ok: false, problems: order };
      const r = applyEdits(this.deps.base, [...this.assignments, a], this.tariffEdits);
      if (!r.ok) return { ok: false, problems: r.problems };
      await this.deps.store.appendEdit('assignment', { by, at: this.deps.clock.now(), body: a });
      this.assignments.push(a);
      this.snapshot = { ...r.value, version: this.current().version + 1 };
      this.deps.log.info({ id: a.id, version: a.version, customer: a.customer, by }, 'assignment version added');
      return { ok: true, value: a, snapshot: this.snapshot };
    });
  }

  /** A new tariff version of a site from its validFrom on; the version before it ends there. */
  addTariffVersion(site: string, input: unknown, by: string): Promise<EditOutcome<TariffEdit>> {
    return this.serial(async () => {
      const parsed = TariffVersion.safeParse(input);
      if (!parsed.success) return { ok: false, problems: parsed.error.issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`) };
      const edit = { site, version: parsed.data };
      const r = applyEdits(this.deps.base, this.assignments, [...this.tariffEdits, edit]);
      if (!r.ok) return { ok: false, problems: r.problems };
      await this.deps.store.appendEdit('tariff', { by, at: this.deps.clock.now(), body: edit });
      this.tariffEdits.push(edit);
      this.snapshot = { ...r.value, version: this.current().version + 1 };
      this.deps.log.info({ site, version: parsed.data.version, validFrom: parsed.data.validFrom, by }, 'tariff version added');
      return { ok: true, value: edit, snapshot: this.snapshot };
    });
  }
}
