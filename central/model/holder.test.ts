import t from 'tap';
import { inventoryOf } from '../../test/helpers/inventory.js';
import { quietLog } from '../../test/helpers/env.js';
import type { EditKind, EditStore, StoredEdit } from '../storage/edits/types.js';
import { ModelHolder } from './holder.js';

/** Edits in memory; `before` runs ahead of each call, as another instance acting in between would. */
class MemoryEdits implements EditStore {
  rows: (StoredEdit<unknown> & { kind: EditKind })[] = [];
  before: { appendEdit?: () => void; edits?: (kind: EditKind) => void } = {};

  async appendEdit<T>(kind: EditKind, e: { by: string; at: number; body: T }, ifLastSeq: number): Promise<number | undefined> {
    this.before.appendEdit?.();
    if ((await this.lastEditSeq()) !== ifLastSeq) return undefined;
    return this.push(kind, e.body);
  }

  async edits<T>(kind: EditKind): Promise<StoredEdit<T>[]> {
    this.before.edits?.(kind);
    return this.rows.filter((r) => r.kind === kind) as StoredEdit<T>[];
  }

  async lastEditSeq(): Promise<number> {
    return this.rows.at(-1)?.seq ?? 0;
  }

  push(kind: EditKind, body: unknown): number {
    const seq = this.rows.length + 1;
    this.rows.push({ kind, seq, by: 'peer', at: 0, body });
    return seq;
  }
}

const clock = { now: () => 0 };
const rack = (id: string, customer: string, from: string) => ({ id, customer, rack: 'k4', from });

t.test('a load that an append overtook between its two reads reads again', async (t) => {
  const store = new MemoryEdits();
  const holder = new ModelHolder({ base: { inventory: inventoryOf(), tariffs: new Map() }, store, clock, log: quietLog });
  let once = true;
  store.before.edits = (kind) => {
    // After the assignments were read and before the tariffs are: another instance appends an assignment.
    if (kind === 'tariff' && once) {
      once = false;
      store.push('assignment', { ...rack('late', 'acme', '2026-01-01'), version: 1 });
    }
  };
  const snap = await holder.load();
  t.same(
    snap.model.assignments.map((a) => a.id),
    ['late'],
    'the edit that landed between the reads is in the model',
  );
  t.equal(await holder.refresh(), false, 'and the holder knows it has it');
});

t.test('an edit that keeps losing the race gives up with a conflict and stores nothing', async (t) => {
  const store = new MemoryEdits();
  const holder = new ModelHolder({ base: { inventory: inventoryOf(), tariffs: new Map() }, store, clock, log: quietLog });
  await holder.load();
  let n = 0;
  // Before each append, another instance stores an edit that does not clash (another rack, another month).
  store.before.appendEdit = () => {
    n++;
    store.push('assignment', { id: `peer-${n}`, customer: 'nord', rack: 'k3', from: `2026-0${n}-01`, version: 1 });
  };
  const r = await holder.addAssignment(rack('mine', 'acme', '2026-01-01'), 'ops');
  t.match(r, { ok: false, conflict: true, problems: [/kept adding edits \(5 tries\)/] });
  t.equal(n, 5, 'checked again on top of each newer edit, five times');
  t.notOk(
    store.rows.some((e) => (e.body as { id: string }).id === 'mine'),
    'not stored',
  );
  t.equal(
    holder.current().model.assignments.filter((a) => a.id.startsWith('peer-')).length,
    4,
    "the peer's edits it was checked against are in the model",
  );
  t.equal(await holder.refresh(), true, 'the last one comes with the next refresh');
  t.equal(holder.current().model.assignments.filter((a) => a.id.startsWith('peer-')).length, 5);
  store.before.appendEdit = undefined;
  t.match(await holder.addAssignment(rack('mine', 'acme', '2026-01-01'), 'ops'), { ok: true }, 'once the others pause, it goes through');
});
