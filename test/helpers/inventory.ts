// A small inventory for model tests: two sites, A/B feeds, a cage, a suite, outlets, a single-phase circuit.
import type { z } from 'zod';
import { InventoryFile } from '../../central/config/inventory-schema.js';
import type { Inventory } from '../../central/model/inventory-types.js';
import { buildModel } from '../../central/model/build.js';
import type { InventoryModel, ModelProblem } from '../../central/model/types.js';

type Input = z.input<typeof InventoryFile>;
export type Fixture = Required<Omit<Input, 'include' | 'entities' | 'accounts' | 'contracts'>> &
  Pick<Input, 'entities' | 'accounts' | 'contracts'> & { sites: (NonNullable<Input['sites']>[number] & { rooms: { id: string }[] })[] };

export const BASE: Fixture = {
  sites: [
    { id: 's1', name: 'Amsterdam', timeZone: 'Europe/Amsterdam', currency: 'EUR', rooms: [{ id: 'r1' }, { id: 'r2' }] },
    { id: 's2', name: 'Singapore', timeZone: 'Asia/Singapore', currency: 'SGD', rooms: [{ id: 'sg1' }] },
  ],
  gateways: [
    { id: 'g1', site: 's1', room: 'r1' },
    { id: 'g2', site: 's2', room: 'sg1' },
  ],
  cages: [
    { id: 'c1', room: 'r1' },
    { id: 'st1', kind: 'suite', room: 'r1' },
  ],
  racks: [
    { id: 'k1', room: 'r1', cage: 'c1' },
    { id: 'k2', room: 'r1', cage: 'st1' },
    { id: 'k3', room: 'r1', tags: ['hd'] },
    { id: 'k4', room: 'r1' },
    { id: 'x1', room: 'sg1' },
  ],
  nodes: [
    { id: 'util-a', kind: 'utility-feed', site: 's1', feed: 'A' },
    { id: 'bb-a', kind: 'busbar', parent: 'util-a', room: 'r1' },
    { id: 't1', kind: 'tap-off', parent: 'bb-a' },
    { id: 'pdu1a', kind: 'pdu', parent: 't1', rack: 'k1' },
    { id: 'in1a', kind: 'pdu-inlet', parent: 'pdu1a' },
    { id: 'o1', kind: 'outlet', parent: 'in1a' },
    { id: 'o2', kind: 'outlet', parent: 'in1a' },
    { id: 'cb-l2', kind: 'branch-circuit', parent: 'bb-a', phase: 'L2' },
    { id: 'pdu2a', kind: 'pdu', parent: 'cb-l2', rack: 'k2' },
    { id: 'pdu3a', kind: 'pdu', parent: 'bb-a', rack: 'k3' },
    { id: 'pdu4a', kind: 'pdu', parent: 'bb-a', rack: 'k4' },
    { id: 'util-b', kind: 'utility-feed', site: 's1', feed: 'B' },
    { id: 'bb-b', kind: 'busbar', parent: 'util-b', room: 'r1' },
    { id: 'pdu1b', kind: 'pdu', parent: 'bb-b', rack: 'k1' },
    { id: 'sbb', kind: 'busbar', site: 's2', room: 'sg1', feed: 'A' },
    { id: 'xpdu', kind: 'pdu', parent: 'sbb', rack: 'x1' },
  ],
  points: [
    { id: 'bb-a', node: 'bb-a', gateway: 'g1', device: 'bus-a', infrastructure: true },
    { id: 'bb-a.l1', node: 'bb-a', gateway: 'g1', device: 'bus-a', channel: 'l1', infrastructure: true },
    { id: 'bb-a.l2', node: 'bb-a', gateway: 'g1', device: 'bus-a', channel: 'l2', infrastructure: true },
    { id: 'bb-a.l3', node: 'bb-a', gateway: 'g1', device: 'bus-a', channel: 'l3', infrastructure: true },
    { id: 'in1a', node: 'in1a', gateway: 'g1', device: 'pdu-k1-a', channel: 'inlet:1' },
    { id: 'o1', node: 'o1', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:1' },
    { id: 'o2', node: 'o2', gateway: 'g1', device: 'pdu-k1-a', channel: 'outlet:2' },
    { id: 'cb-l2', node: 'cb-l2', gateway: 'g1', device: 'branch-2' },
    { id: 'pdu2a', node: 'pdu2a', gateway: 'g1', device: 'pdu-k2-a' },
    { id: 'pdu3a', node: 'pdu3a', gateway: 'g1', device: 'pdu-k3-a' },
    { id: 'pdu4a', node: 'pdu4a', gateway: 'g1', device: 'pdu-k4-a' },
    { id: 'pdu1b', node: 'pdu1b', gateway: 'g1', device: 'pdu-k1-b' },
    { id: 'xpdu', node: 'xpdu', gateway: 'g2', device: 'pdu-x1-a' },
  ],
  customers: [
    { id: 'acme', name: 'Acme' },
    { id: 'nord', name: 'Nordwind' },
    { id: 'lum', name: 'Lumen' },
  ],
  assignments: [],
};

/** The base inventory with its lists replaced or extended by `patch`, through the schema (defaults applied). */
export function inventoryOf(patch: (base: Fixture) => void = () => {}): Inventory {
  const copy = structuredClone(BASE);
  patch(copy);
  const parsed: Partial<InventoryFile> = InventoryFile.parse(copy);
  delete parsed.include;
  return parsed as Inventory;
}

export function modelOf(assignments: Fixture['assignments'] = [], patch: (base: Fixture) => void = () => {}): InventoryModel {
  const built = buildModel(
    inventoryOf((b) => {
      b.assignments = assignments;
      patch(b);
    }),
  );
  if (!built.ok) throw new Error(`fixture does not build:\n${built.problems.map((p) => `${p.path.join('.')}: ${p.message}`).join('\n')}`);
  return built.model;
}

export function problemsOf(patch: (base: Fixture) => void): ModelProblem[] {
  const built = buildModel(inventoryOf(patch));
  return built.ok ? [] : built.problems;
}

/** Epoch ms of an ISO timestamp, for readable expectations. */
export const ms = (iso: string): number => Date.parse(iso);
