// Builds the indexed model from a schema-valid inventory and reports every reference problem at once:
// unknown or duplicate ids, chain cycles and phase/feed conflicts, points bound twice, overlapping holders.
import type { Inventory } from './inventory-types.js';
import { resolveAssignments } from './assignments.js';
import { resolveChain } from './chain.js';
import { resolveParties } from './contracts/resolve.js';
import { resolvePoints } from './points.js';
import type { CageInfo, CustomerInfo, GatewayInfo, InventoryModel, ModelProblem, RackInfo, RoomInfo, SiteInfo } from './types.js';

export type BuildResult = { ok: true; model: InventoryModel } | { ok: false; problems: ModelProblem[] };

export function buildModel(inv: Inventory): BuildResult {
  const problems: ModelProblem[] = [];
  const unique = <T extends { id: string }, U>(
    list: readonly T[],
    path: (i: number) => (string | number)[],
    what: string,
    into: Map<string, U>,
    make: (x: T) => U,
    where = new Map<string, string>(),
  ) => {
    list.forEach((x, i) => {
      const prev = where.get(x.id);
      if (prev !== undefined) problems.push({ path: [...path(i), 'id'], message: `duplicate ${what} id "${x.id}" (also ${prev})` });
      else {
        where.set(
          x.id,
          path(i)
            .map((s) => (typeof s === 'number' ? `[${s}]` : `.${s}`))
            .join('')
            .slice(1),
        );
        into.set(x.id, make(x));
      }
    });
  };
  const ref = (ok: boolean, path: (string | number)[], message: string) => {
    if (!ok) problems.push({ path, message });
  };

  const sites = new Map<string, SiteInfo>();
  unique(
    inv.sites,
    (i) => ['sites', i],
    'site',
    sites,
    (s) => ({ id: s.id, name: s.name, timeZone: s.timeZone, currency: s.currency, rooms: s.rooms.map((r) => r.id) }),
  );
  const rooms = new Map<string, RoomInfo>();
  const roomWhere = new Map<string, string>();
  inv.sites.forEach((s, i) =>
    unique(
      s.rooms,
      (j) => ['sites', i, 'rooms', j],
      'room',
      rooms,
      (r) => ({ id: r.id, site: s.id, ...(r.name !== undefined ? { name: r.name } : {}) }),
      roomWhere,
    ),
  );

  const gateways = new Map<string, GatewayInfo>();
  unique(
    inv.gateways,
    (i) => ['gateways', i],
    'gateway',
    gateways,
    (g) => ({ ...g }),
  );
  inv.gateways.forEach((g, i) => {
    ref(sites.has(g.site), ['gateways', i, 'site'], `unknown site "${g.site}"`);
    const room = rooms.get(g.room);
    ref(room !== undefined, ['gateways', i, 'room'], `unknown room "${g.room}"`);
    if (room && sites.has(g.site))
      ref(room.site === g.site, ['gateways', i, 'room'], `room "${g.room}" is in site "${room.site}", not "${g.site}"`);
  });

  const cages = new Map<string, CageInfo>();
  unique(
    inv.cages,
    (i) => ['cages', i],
    'cage',
    cages,
    (c) => ({ ...c, site: rooms.get(c.room)?.site ?? '' }),
  );
  inv.cages.forEach((c, i) => ref(rooms.has(c.room), ['cages', i, 'room'], `unknown room "${c.room}"`));

  const racks = new Map<string, RackInfo>();
  unique(
    inv.racks,
    (i) => ['racks', i],
    'rack',
    racks,
    (r) => ({ ...r, site: rooms.get(r.room)?.site ?? '' }),
  );
  inv.racks.forEach((r, i) => {
    ref(rooms.has(r.room), ['racks', i, 'room'], `unknown room "${r.room}"`);
    if (r.cage === undefined) return;
    const cage = cages.get(r.cage);
    ref(cage !== undefined, ['racks', i, 'cage'], `unknown cage "${r.cage}"`);
    if (cage) ref(cage.room === r.room, ['racks', i, 'cage'], `cage "${cage.id}" is in room "${cage.room}", the rack in "${r.room}"`);
  });

  const customers = new Map<string, CustomerInfo>();
  unique(
    inv.customers,
    (i) => ['customers', i],
    'customer',
    customers,
    (c) => ({ ...c }),
  );

  const nodes = resolveChain(inv.nodes, { rooms, racks, sites: new Set(sites.keys()) }, problems);
  const { points, bySource } = resolvePoints(inv.points, { nodes, gateways, racks, sites: new Set(sites.keys()) }, problems);
  const pointsByNode = new Map<string, string[]>();
  for (const p of points.values()) pointsByNode.set(p.node, [...(pointsByNode.get(p.node) ?? []), p.id]);
  const assigned = resolveAssignments(
    inv.assignments,
    { sites, nodes, racks, cages, customers: new Set(customers.keys()), points },
    problems,
  );

  const parties = resolveParties(inv, { sites, customers }, problems);

  if (problems.length > 0) return { ok: false, problems };
  return {
    ok: true,
    model: {
      parties,
      sites,
      rooms,
      gateways,
      nodes,
      racks,
      cages,
      customers,
      points,
      bySource,
      pointsByNode,
      assignments: assigned.versions,
      holdings: assigned.holdings,
      pointsByCustomer: assigned.pointsByCustomer,
    },
  };
}
