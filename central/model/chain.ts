// The power chain: each node's parent, and what it inherits from above (site, room, rack, phase, feed side)
// resolved and checked. Pure.
import type { ChainNode } from './inventory-types.js';
import type { ModelProblem, NodeInfo, RackInfo, RoomInfo } from './types.js';

interface Context {
  rooms: ReadonlyMap<string, RoomInfo>;
  racks: ReadonlyMap<string, RackInfo>;
  sites: ReadonlySet<string>;
}

type Mutable<T> = { -readonly [K in keyof T]: T[K] };

export function resolveChain(raw: readonly ChainNode[], ctx: Context, problems: ModelProblem[]): Map<string, NodeInfo> {
  const index = new Map<string, number>();
  raw.forEach((n, i) => {
    const prev = index.get(n.id);
    if (prev !== undefined) problems.push({ path: ['nodes', i, 'id'], message: `duplicate node id "${n.id}" (also nodes[${prev}])` });
    else index.set(n.id, i);
  });
  const out = new Map<string, Mutable<NodeInfo> & { children: string[] }>();
  const visiting = new Set<string>();

  const resolve = (id: string): NodeInfo | undefined => {
    const done = out.get(id);
    if (done) return done;
    const i = index.get(id);
    if (i === undefined) return undefined;
    const n = raw[i]!;
    const at = (field: string) => ['nodes', i, field] as const;
    visiting.add(id);
    let parent: NodeInfo | undefined;
    if (n.parent !== undefined) {
      if (visiting.has(n.parent)) {
        problems.push({ path: at('parent'), message: `cycle in the power chain: ${cycleText(raw, index, n.parent)}` });
      } else if (!index.has(n.parent)) {
        problems.push({ path: at('parent'), message: `unknown node "${n.parent}"` });
      } else {
        parent = resolve(n.parent);
      }
    }
    visiting.delete(id);
    const info = place(n, at, parent, ctx, problems);
    out.set(id, info);
    return info;
  };
  for (const n of raw) resolve(n.id);
  for (const n of out.values()) if (n.parent !== undefined) out.get(n.parent)?.children.push(n.id);
  return out;
}

/** `a → b → a`: each node followed by its parent, round the loop that contains `from`. */
function cycleText(raw: readonly ChainNode[], index: ReadonlyMap<string, number>, from: string): string {
  const ids = [from];
  for (
    let id = raw[index.get(from)!]!.parent;
    id !== undefined && id !== from && ids.length <= raw.length;
    id = raw[index.get(id)!]?.parent
  )
    ids.push(id);
  return [...ids, from].join(' → ');
}

function place(
  n: ChainNode,
  at: (field: string) => readonly (string | number)[],
  parent: NodeInfo | undefined,
  ctx: Context,
  problems: ModelProblem[],
): NodeInfo & { children: string[] } {
  const rackId = n.rack ?? parent?.rack;
  const rack = rackId === undefined ? undefined : ctx.racks.get(rackId);
  if (n.rack !== undefined && !rack) problems.push({ path: at('rack'), message: `unknown rack "${n.rack}"` });
  if (n.room !== undefined && !ctx.rooms.has(n.room)) problems.push({ path: at('room'), message: `unknown room "${n.room}"` });
  if (n.site !== undefined && !ctx.sites.has(n.site)) problems.push({ path: at('site'), message: `unknown site "${n.site}"` });
  if (n.room !== undefined && n.rack !== undefined && rack && rack.room !== n.room) {
    problems.push({ path: at('room'), message: `rack "${rack.id}" stands in room "${rack.room}", not "${n.room}"` });
  }
  const room = n.room ?? (n.rack !== undefined ? rack?.room : undefined) ?? parent?.room ?? rack?.room;
  const roomSite = room === undefined ? undefined : ctx.rooms.get(room)?.site;
  if (n.site !== undefined && roomSite !== undefined && roomSite !== n.site) {
    problems.push({ path: at('site'), message: `room "${room}" is in site "${roomSite}", not "${n.site}"` });
  }
  const site = n.site ?? roomSite ?? parent?.site;
  if (site === undefined) problems.push({ path: at('site'), message: 'no site: give site, room or rack, or a parent' });
  else if (parent && parent.site !== '' && parent.site !== site) {
    problems.push({ path: at('parent'), message: `parent "${parent.id}" is in site "${parent.site}", this node in "${site}"` });
  }
  if (n.phase !== undefined && parent && parent.phase !== '3P' && n.phase !== parent.phase) {
    problems.push({ path: at('phase'), message: `parent "${parent.id}" is single-phase ${parent.phase}; a child cannot be on ${n.phase}` });
  }
  if (n.feed !== undefined && parent?.feed !== undefined && n.feed !== parent.feed) {
    problems.push({ path: at('feed'), message: `parent "${parent.id}" is on feed ${parent.feed}; a child cannot be on feed ${n.feed}` });
  }
  return {
    id: n.id,
    kind: n.kind,
    children: [],
    site: site ?? '',
    phase: n.phase ?? parent?.phase ?? '3P',
    depth: parent ? parent.depth + 1 : 0,
    tags: n.tags,
    ...(n.parent !== undefined ? { parent: n.parent } : {}),
    ...(room !== undefined ? { room } : {}),
    ...(rackId !== undefined && rack ? { rack: rackId } : {}),
    ...((n.feed ?? parent?.feed) ? { feed: (n.feed ?? parent?.feed)! } : {}),
    ...(n.ratedCurrentA !== undefined ? { ratedCurrentA: n.ratedCurrentA } : {}),
    ...(n.voltageV !== undefined ? { voltageV: n.voltageV } : {}),
    ...(n.name !== undefined ? { name: n.name } : {}),
  };
}
