// The model the running central node reads: the inventory and tariff files with the operators' edits
// (stored append-only) applied. An accepted edit is stored, then the rebuilt model replaces the current
// one; billing, energy and the API call current() for each piece of work, so they see it at once.
// Edits are taken one at a time. Central instances sharing one database see each other's edits: refresh()
// rebuilds when the store holds edits this holder has not applied (the node calls it on a timer and before
// each invoice run), and an edit is checked against every stored edit and appended only on top of the
// newest, so two instances can never accept edits that contradict each other.
import type { Logger } from 'pino';
import { ConfigError } from '../../common/issues.js';
import type { z } from 'zod';
import { TariffVersion, UtilityPrice, type TariffBook } from './tariffs/tariff.js';
import { Assignment } from './assignment-schema.js';
import { EDIT_KINDS, type EditKind, type EditStore } from '../storage/edits/types.js';
import {
  applyEdits,
  checkSupersedes,
  EDIT_SCHEMAS,
  editsError,
  nextAssignmentVersion,
  NO_EDITS,
  type EditedModel,
  type EditOf,
  type ModelBase,
  type ModelEdits,
  type TariffEdit,
  type UtilityPriceEdit,
} from './edits.js';
import { Account, ContractEdit } from './contracts/schema.js';
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
  store: EditStore;
  clock: { now(): number };
  log: Logger;
}

export type EditOutcome<T> =
  | { ok: true; value: T; snapshot: ModelSnapshot }
  /** conflict: the edit may be fine, but the stored edits moved on or no longer apply here; try again. */
  | { ok: false; problems: string[]; conflict?: true };

/** What an edit would make of the model, before it is stored. */
type Planned<T> = { ok: true; value: T; built: EditedModel; applied: () => void } | { ok: false; problems: string[] };

/** An edit's body as the schema made it, or why not. */
type Made<T> = { ok: true; value: T } | { ok: false; problems: string[] };

/** Appends lost to another instance before an edit gives up (each one is re-checked on the newer model). */
const APPEND_ATTEMPTS = 5;

const zodProblems = (issues: readonly { path: PropertyKey[]; message: string }[]) =>
  issues.map((i) => `${i.path.join('.') || '(body)'}: ${i.message}`);

/** A request body through a schema (the problems at the body's own paths), then made the edit it is. */
function parsed<T, U = T>(schema: z.ZodType<T>, body: unknown, wrap?: (value: T) => U): Made<U> {
  const r = schema.safeParse(body);
  if (!r.success) return { ok: false, problems: zodProblems(r.error.issues) };
  return { ok: true, value: wrap ? wrap(r.data) : (r.data as unknown as U) };
}

export class ModelHolder implements ModelSource {
  private snapshot: ModelSnapshot | undefined;
  private edits: ModelEdits = NO_EDITS;
  /** The newest stored edit the current model includes. */
  private seq = 0;
  /** The newest stored edit when the stored edits last failed to apply here, and why. */
  private refused: { seq: number; problems: string[] } | undefined;
  private queue: Promise<unknown> = Promise.resolve();

  constructor(private readonly deps: ModelHolderDeps) {}

  current(): ModelSnapshot {
    if (!this.snapshot) throw new Error('the model is not loaded yet (ModelHolder.load)');
    return this.snapshot;
  }

  /** Reads every stored edit and builds the model; throws ConfigError when stored edits no longer apply. */
  async load(): Promise<ModelSnapshot> {
    return this.loadFrom(await this.deps.store.lastEditSeq());
  }

  /** load(), given the newest stored edit's seq as just read. */
  private async loadFrom(lastSeq: number): Promise<ModelSnapshot> {
    const { store } = this.deps;
    // One read per kind: if an edit landed between them, read them all again.
    for (let seq = lastSeq; ;) {
      const read = async <K extends EditKind>(kind: K) =>
        (await store.edits<unknown>(kind)).map((e) => EDIT_SCHEMAS[kind].parse(e.body) as EditOf<K>);
      const edits: ModelEdits = {
        assignment: await read('assignment'),
        tariff: await read('tariff'),
        account: await read('account'),
        contract: await read('contract'),
        'utility-price': await read('utility-price'),
      };
      const after = await store.lastEditSeq();
      if (after !== seq) {
        seq = after;
        continue;
      }
      const r = applyEdits(this.deps.base, edits);
      if (!r.ok) throw editsError(r.problems);
      this.edits = edits;
      this.seq = seq;
      this.snapshot = { ...r.value, version: (this.snapshot?.version ?? 0) + 1 };
      const counts = Object.fromEntries(EDIT_KINDS.map((k) => [k, edits[k].length]));
      this.deps.log.info({ edits: counts, seq, version: this.snapshot.version }, 'model built');
      return this.snapshot;
    }
  }

  /**
   * Rebuilds the model when the store holds edits it lacks (another instance's); true when it did. A
   * stored edit that does not apply to this node's files (instances started with different files) keeps
   * the current model and is logged once; it rejects only when the store cannot be read.
   */
  refresh(): Promise<boolean> {
    return this.serial(async () => (await this.catchUp()).rebuilt);
  }

  /** Applies the stored edits this holder lacks; the problems when they do not apply here. */
  private async catchUp(): Promise<{ rebuilt: boolean; problems: string[] }> {
    const last = await this.deps.store.lastEditSeq();
    if (last === this.seq) return { rebuilt: false, problems: [] };
    if (this.refused?.seq === last) return { rebuilt: false, problems: this.refused.problems };
    try {
      await this.loadFrom(last);
      return { rebuilt: true, problems: [] };
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      this.deps.log.error(
        { err, seq: last },
        "stored edits do not apply to this node's inventory and tariff files; the model stays as it was",
      );
      this.refused = { seq: last, problems: [`the stored edits do not apply to this node's inventory and tariff files: ${err.message}`] };
      return { rebuilt: false, problems: this.refused.problems };
    }
  }

  private serial<T>(fn: () => Promise<T>): Promise<T> {
    const next = this.queue.then(fn, fn);
    this.queue = next.catch(() => undefined);
    return next;
  }

  /** Every assignment, the files' and the edits', as written (with versions). */
  allAssignments(): Assignment[] {
    return [...this.deps.base.inventory.assignments, ...this.edits.assignment];
  }

  /** A new assignment (version 1) or a new version of an existing id, superseding from its `from`. */
  addAssignment(input: Omit<Assignment, 'version'>, by: string): Promise<EditOutcome<Assignment>> {
    return this.add('assignment', by, () => {
      const all = this.allAssignments();
      const parsed = Assignment.safeParse({ ...input, version: nextAssignmentVersion(all, input.id) });
      if (!parsed.success) return { ok: false, problems: zodProblems(parsed.error.issues) };
      const order = checkSupersedes(all, parsed.data, this.current().model);
      return order.length > 0 ? { ok: false, problems: order } : { ok: true, value: parsed.data };
    });
  }

  /** A new tariff version of a site from its validFrom on; the version before it ends there. */
  addTariffVersion(site: string, input: unknown, by: string): Promise<EditOutcome<TariffEdit>> {
    return this.add('tariff', by, () => parsed(TariffVersion, input, (version) => ({ site, version })));
  }

  /** A new billing account (an id no account has yet). */
  addAccount(input: unknown, by: string): Promise<EditOutcome<Account>> {
    return this.add('account', by, () => parsed(Account, input));
  }

  /** A new contract, or the next version of one from its validFrom on; the version before it ends there. */
  addContractVersion(input: unknown, by: string): Promise<EditOutcome<ContractEdit>> {
    return this.add('contract', by, () => parsed(ContractEdit, input));
  }

  /** The utility's price per kWh of a month at a site, for pass-through contracts; a month is priced once. */
  addUtilityPrice(site: string, input: unknown, by: string): Promise<EditOutcome<UtilityPriceEdit>> {
    return this.add('utility-price', by, () => parsed(UtilityPrice, input, (price) => ({ site, price })));
  }

  /** An edit of a kind, made by `make` from the request: checked on the model with every edit, then stored. */
  private add<K extends EditKind>(kind: K, by: string, make: () => Made<EditOf<K>>): Promise<EditOutcome<EditOf<K>>> {
    return this.edit(kind, by, (): Planned<EditOf<K>> => {
      const m = make();
      if (!m.ok) return m;
      const edits: ModelEdits = { ...this.edits, [kind]: [...this.edits[kind], m.value] };
      const r = applyEdits(this.deps.base, edits);
      if (!r.ok) return r;
      return {
        ok: true,
        value: m.value,
        built: r.value,
        applied: () => {
          this.edits = edits;
          this.deps.log.info({ kind, edit: m.value, by }, 'model edit added');
        },
      };
    });
  }

  /**
   * Checks an edit against every stored edit and appends it on top of the newest. When another instance
   * appended first, the model is rebuilt with its edit and this one checked again.
   */
  private edit<T>(kind: EditKind, by: string, plan: () => Planned<T>): Promise<EditOutcome<T>> {
    return this.serial(async () => {
      for (let attempt = 1; attempt <= APPEND_ATTEMPTS; attempt++) {
        const { problems } = await this.catchUp();
        if (problems.length > 0) return { ok: false, problems, conflict: true };
        const p = plan();
        if (!p.ok) return p;
        const seq = await this.deps.store.appendEdit(kind, { by, at: this.deps.clock.now(), body: p.value }, this.seq);
        if (seq === undefined) continue;
        p.applied();
        this.seq = seq;
        this.snapshot = { ...p.built, version: this.current().version + 1 };
        return { ok: true, value: p.value, snapshot: this.snapshot };
      }
      return {
        ok: false,
        problems: [`other central instances kept adding edits (${APPEND_ATTEMPTS} tries); nothing changed, try again`],
        conflict: true,
      };
    });
  }
}
