import t from 'tap';
import type { RegisterFunction } from '../../profiles/schema.js';
import { planReads, sliceWords, splitRead, type PlannedRead } from './plan.js';

interface Item {
  name: string;
  fn: RegisterFunction;
  address: number;
  words: number;
}
const h = (name: string, address: number, words: number): Item => ({ name, fn: 'holding', address, words });
const i = (name: string, address: number, words: number): Item => ({ name, fn: 'input', address, words });

/** A plan in a compact form: "fn@address+count[item,item]". */
const show = (reads: readonly PlannedRead<Item>[] | undefined) =>
  reads?.map((r) => `${r.fn}@${r.address}+${r.count}[${r.items.map((x) => x.name).join(',')}]`);

t.test('planReads merges, respects limits and never splits a value', async (t) => {
  const cases: { name: string; items: Item[]; maxRegisters: number; maxGap: number; want: string[] }[] = [
    { name: 'nothing to read', items: [], maxRegisters: 125, maxGap: 0, want: [] },
    { name: 'one value', items: [h('a', 7, 2)], maxRegisters: 125, maxGap: 0, want: ['holding@7+2[a]'] },
    {
      name: 'contiguous values merge',
      items: [h('a', 0, 2), h('b', 2, 2), h('c', 4, 2)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@0+6[a,b,c]'],
    },
    {
      name: 'unsorted input is sorted',
      items: [h('c', 4, 2), h('a', 0, 2), h('b', 2, 2)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@0+6[a,b,c]'],
    },
    { name: 'gap of 8 within maxGap 8', items: [h('a', 0, 2), h('b', 10, 2)], maxRegisters: 125, maxGap: 8, want: ['holding@0+12[a,b]'] },
    {
      name: 'gap of 8 beyond maxGap 7',
      items: [h('a', 0, 2), h('b', 10, 2)],
      maxRegisters: 125,
      maxGap: 7,
      want: ['holding@0+2[a]', 'holding@10+2[b]'],
    },
    {
      name: 'gap of 1 with maxGap 0',
      items: [h('a', 0, 1), h('b', 2, 1)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@0+1[a]', 'holding@2+1[b]'],
    },
    {
      name: 'mixed gaps',
      items: [h('a', 0, 2), h('b', 3, 2), h('c', 20, 1), h('d', 22, 4)],
      maxRegisters: 125,
      maxGap: 2,
      want: ['holding@0+5[a,b]', 'holding@20+6[c,d]'],
    },
    {
      name: 'maxRegisters 4 cuts after two values',
      items: [h('a', 0, 2), h('b', 2, 2), h('c', 4, 2)],
      maxRegisters: 4,
      maxGap: 0,
      want: ['holding@0+4[a,b]', 'holding@4+2[c]'],
    },
    {
      name: 'maxRegisters 3 never splits 2-register values',
      items: [h('a', 0, 2), h('b', 2, 2), h('c', 4, 2)],
      maxRegisters: 3,
      maxGap: 0,
      want: ['holding@0+2[a]', 'holding@2+2[b]', 'holding@4+2[c]'],
    },
    {
      name: 'maxRegisters 6 never splits 4-register values',
      items: [h('a', 0, 4), h('b', 4, 4), h('c', 8, 1)],
      maxRegisters: 6,
      maxGap: 0,
      want: ['holding@0+4[a]', 'holding@4+5[b,c]'],
    },
    {
      name: 'a gap counts against maxRegisters',
      items: [h('a', 0, 2), h('b', 8, 2)],
      maxRegisters: 9,
      maxGap: 10,
      want: ['holding@0+2[a]', 'holding@8+2[b]'],
    },
    { name: 'exactly maxRegisters fits', items: [h('a', 0, 2), h('b', 8, 2)], maxRegisters: 10, maxGap: 10, want: ['holding@0+10[a,b]'] },
    {
      name: 'holding and input never merge',
      items: [i('x', 0, 2), h('a', 0, 2), i('y', 2, 2), h('b', 2, 2)],
      maxRegisters: 125,
      maxGap: 10,
      want: ['holding@0+4[a,b]', 'input@0+4[x,y]'],
    },
    {
      name: 'same address in both functions',
      items: [i('x', 0x46, 2), h('a', 0x46, 2)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@70+2[a]', 'input@70+2[x]'],
    },
    {
      name: 'values sharing registers share a read',
      items: [h('probe', 0, 2), h('serial', 0, 2), h('inner', 1, 1)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@0+2[probe,serial,inner]'],
    },
    {
      name: 'a value inside a longer one',
      items: [h('long', 10, 4), h('short', 11, 1), h('next', 14, 2)],
      maxRegisters: 125,
      maxGap: 0,
      want: ['holding@10+6[long,short,next]'],
    },
    { name: 'maxRegisters 1', items: [h('a', 0, 1), h('b', 1, 1)], maxRegisters: 1, maxGap: 0, want: ['holding@0+1[a]', 'holding@1+1[b]'] },
  ];
  for (const c of cases) {
    const reads = planReads(c.items, { maxRegisters: c.maxRegisters, maxGap: c.maxGap });
    t.same(show(reads), c.want, c.name);
    for (const r of reads) {
      t.ok(r.count <= Math.max(c.maxRegisters, ...r.items.map((x) => x.words)), `${c.name}: ${r.address}+${r.count} within the limit`);
      t.ok(
        r.items.every((x) => x.address >= r.address && x.address + x.words <= r.address + r.count),
        `${c.name}: every value lies wholly inside its read`,
      );
    }
  }
});

t.test('planReads over a realistic float table keeps every read within 80 registers', async (t) => {
  const items = Array.from({ length: 60 }, (_, k) => i(`v${k}`, k * 2 + (k >= 30 ? 10 : 0), 2));
  const reads = planReads(items, { maxRegisters: 80, maxGap: 20 });
  t.same(
    show(reads)?.map((s) => s.split('[')[0]),
    ['input@0+80', 'input@80+50'],
    'two reads',
  );
  t.equal(reads.flatMap((r) => r.items).length, 60, 'every value planned once');
});

t.test('splitRead splits at gaps first, then in halves, and gives up on one value', async (t) => {
  const read = (items: Item[], maxGap: number) => {
    const r = planReads(items, { maxRegisters: 125, maxGap });
    t.equal(r.length, 1, 'the test starts from one merged read');
    return r[0]!;
  };
  const cases: { name: string; read: PlannedRead<Item>; want: string[] | undefined }[] = [
    { name: 'a single value', read: read([h('a', 0, 2)], 0), want: undefined },
    {
      name: 'two values sharing registers cannot be separated by gaps',
      read: read([h('a', 0, 2), h('b', 0, 2)], 0),
      want: ['holding@0+2[a]', 'holding@0+2[b]'],
    },
    { name: 'one gap', read: read([h('a', 0, 2), h('b', 10, 2), h('c', 12, 2)], 10), want: ['holding@0+2[a]', 'holding@10+4[b,c]'] },
    {
      name: 'two gaps',
      read: read([h('a', 0, 2), h('b', 4, 2), h('c', 8, 2)], 2),
      want: ['holding@0+2[a]', 'holding@4+2[b]', 'holding@8+2[c]'],
    },
    {
      name: 'no gaps, five values: halves of 3 and 2',
      read: read(
        [0, 2, 4, 6, 8].map((a) => h(`v${a}`, a, 2)),
        0,
      ),
      want: ['holding@0+6[v0,v2,v4]', 'holding@6+4[v6,v8]'],
    },
    { name: 'no gaps, two values', read: read([i('a', 0, 2), i('b', 2, 4)], 0), want: ['input@0+2[a]', 'input@2+4[b]'] },
  ];
  for (const c of cases) t.same(show(splitRead(c.read)), c.want, c.name);

  // Splitting repeatedly ends in single values that cannot be split further.
  let pending = [
    read(
      [0, 1, 2, 3, 4, 5, 6].map((a) => h(`r${a}`, a, 1)),
      0,
    ),
  ];
  const leaves: PlannedRead<Item>[] = [];
  let rounds = 0;
  while (pending.length > 0 && rounds++ < 20) {
    const next: PlannedRead<Item>[] = [];
    for (const r of pending) {
      const parts = splitRead(r);
      if (parts) next.push(...parts);
      else leaves.push(r);
    }
    pending = next;
  }
  t.same(
    leaves
      .map((r) => r.items.map((x) => x.name))
      .flat()
      .sort(),
    ['r0', 'r1', 'r2', 'r3', 'r4', 'r5', 'r6'],
    'all seven values end up alone',
  );
  t.ok(
    leaves.every((r) => r.items.length === 1 && r.count === 1),
    'each leaf reads one register',
  );
});

t.test("sliceWords takes an item's registers out of its read", async (t) => {
  const data = [10, 11, 12, 13, 14, 15, 16, 17, 18, 19];
  const cases = [
    { read: { address: 100 }, item: h('a', 100, 2), want: [10, 11] },
    { read: { address: 100 }, item: h('b', 103, 2), want: [13, 14] },
    { read: { address: 100 }, item: h('c', 109, 1), want: [19] },
    { read: { address: 100 }, item: h('d', 106, 4), want: [16, 17, 18, 19] },
    { read: { address: 0 }, item: i('e', 5, 1), want: [15] },
  ];
  for (const c of cases) t.same(sliceWords(c.read, data, c.item), c.want, `${c.item.name} at ${c.item.address}`);

  const reads = planReads([h('a', 0, 2), h('b', 4, 1), h('c', 5, 2)], { maxRegisters: 125, maxGap: 2 });
  const response = [0xa0, 0xa1, 0, 0, 0xb0, 0xc0, 0xc1];
  t.same(
    reads[0]!.items.map((x) => sliceWords(reads[0]!, response, x)),
    [[0xa0, 0xa1], [0xb0], [0xc0, 0xc1]],
    'slices of a merged read',
  );
});
