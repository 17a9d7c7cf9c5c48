// Metering points: a reading source (gateway, device, channel) bound to a chain node, with the phase, feed
// side and chain path it inherits. Pure.
import type { Point } from './inventory-types.js';
import type { ChannelScope, GatewayInfo, ModelProblem, NodeInfo, Phase, PointInfo, RackInfo } from './types.js';
import { sourceKey } from './types.js';

interface Context {
  nodes: ReadonlyMap<string, NodeInfo>;
  gateways: ReadonlyMap<string, GatewayInfo>;
  racks: ReadonlyMap<string, RackInfo>;
  sites: ReadonlySet<string>;
}

const PHASE_CHANNEL = /^(?:l([123])|phase:([0-9]+))$/;

/** The scope of a channel on a three-phase node, and the phase a phase channel names (`phase:4` names none). */
export function channelScope(channel: string): { scope: ChannelScope; phase?: Phase; badPhase?: true } {
  if (channel === 'n' || channel === 'l1l2' || channel === 'l2l3' || channel === 'l3l1') return { scope: 'aux' };
  const m = PHASE_CHANNEL.exec(channel);
  if (!m) return { scope: 'whole' };
  const n = Number(m[1] ?? m[2]);
  return n >= 1 && n <= 3 ? { scope: 'phase', phase: `L${n}` as Phase } : { scope: 'phase', badPhase: true };
}

export function pointId(p: Point): string {
  return p.id ?? `${p.node}/${p.channel}`;
}

export function resolvePoints(
  raw: readonly Point[],
  ctx: Context,
  problems: ModelProblem[],
): { points: Map<string, PointInfo>; bySource: Map<string, string> } {
  const points = new Map<string, PointInfo>();
  const bySource = new Map<string, string>();
  const index = new Map<string, number>();
  raw.forEach((p, i) => {
    const at = (field: string) => ['points', i, field] as const;
    const id = pointId(p);
    const prev = index.get(id);
    if (prev !== undefined) {
      problems.push({ path: at(p.id === undefined ? 'node' : 'id'), message: `duplicate point id "${id}" (also points[${prev}])` });
      return;
    }
    index.set(id, i);
    const node = ctx.nodes.get(p.node);
    const gateway = ctx.gateways.get(p.gateway);
    if (!node) problems.push({ path: at('node'), message: `unknown node "${p.node}"` });
    if (!gateway) problems.push({ path: at('gateway'), message: `unknown gateway "${p.gateway}"` });
    const key = sourceKey(p.gateway, p.device, p.channel);
    const taken = bySource.get(key);
    if (taken !== undefined)
      problems.push({ path: at('channel'), message: `${p.gateway}/${p.device}/${p.channel} is already point "${taken}"` });
    else bySource.set(key, id);
    if (!node || !gateway) return;
    if (gateway.site !== node.site && ctx.sites.has(gateway.site)) {
      problems.push({
        path: at('gateway'),
        message: `gateway "${gateway.id}" is in site "${gateway.site}", node "${node.id}" in "${node.site}"`,
      });
    }
    const ch = channelScope(p.channel);
    if (ch.badPhase) problems.push({ path: at('channel'), message: `${p.channel}: phases are numbered 1 to 3` });
    // On a single-phase node every channel measures that one phase: the device's own numbering does not matter.
    const single = node.phase !== '3P';
    const scope: ChannelScope = single && ch.scope === 'phase' ? 'whole' : ch.scope;
    const phase: Phase = single ? node.phase : scope === 'phase' && ch.phase ? ch.phase : '3P';
    const rack = node.rack === undefined ? undefined : ctx.racks.get(node.rack);
    points.set(id, {
      id,
      node: node.id,
      gateway: p.gateway,
      device: p.device,
      channel: p.channel,
      site: node.site,
      phase,
      scope,
      infrastructure: p.infrastructure,
      path: chainPath(node, ctx.nodes),
      ...(node.room !== undefined ? { room: node.room } : {}),
      ...(rack ? { rack: rack.id } : {}),
      ...(rack?.cage !== undefined ? { cage: rack.cage } : {}),
      ...(node.feed !== undefined ? { feed: node.feed } : {}),
    });
  });
  checkSameNode(points, index, problems);
  return { points, bySource };
}

function chainPath(node: NodeInfo, nodes: ReadonlyMap<string, NodeInfo>): string[] {
  const path: string[] = [];
  for (let n: NodeInfo | undefined = node; n && path.length <= nodes.size; n = n.parent === undefined ? undefined : nodes.get(n.parent))
    path.push(n.id);
  return path;
}

/** Two points measuring the same energy on one node would be counted twice by any grouping. */
function checkSameNode(points: ReadonlyMap<string, PointInfo>, index: ReadonlyMap<string, number>, problems: ModelProblem[]): void {
  const seen = new Map<string, string>();
  for (const p of points.values()) {
    if (p.scope === 'aux') continue;
    const key = `${p.node}\n${p.scope === 'whole' ? 'whole' : p.phase}`;
    const other = seen.get(key);
    if (other !== undefined) {
      const what = p.scope === 'whole' ? 'all' : `phase ${p.phase}`;
      problems.push({
        path: ['points', index.get(p.id)!, 'channel'],
        message: `point "${other}" already measures ${what} of node "${p.node}"`,
      });
    } else seen.set(key, p.id);
  }
}
