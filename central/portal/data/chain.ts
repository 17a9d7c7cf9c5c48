// The power chain of a site as a tree, each node with its live power (its own top meters) and, where
// its meters read current per phase, the phase balance against its rating (core/phase-balance.ts).
import type { NodeInfo, PointInfo } from '../../model/types.js';
import { topPoints } from '../../model/cover.js';
import { circuitBalance, type CircuitBalance, type LinePhase } from '../core/phase-balance.js';
import { TargetError } from '../core/targets.js';
import { latestValues } from './latest.js';
import type { ViewDeps } from './views.js';

export interface ChainNodeView {
  id: string;
  kind: NodeInfo['kind'];
  name?: string;
  room?: string;
  rack?: string;
  feed?: string;
  phase: NodeInfo['phase'];
  ratedCurrentA?: number;
  voltageV?: number;
  depth: number;
  /** Live power of the node's own meters (top ones), kW; undefined when none is read recently. */
  kW: number | undefined;
  /** Newest reading behind kW. */
  ts: number | undefined;
  points: string[];
  balance: CircuitBalance;
  children: ChainNodeView[];
}

export interface ChainView {
  site: string;
  timeZone: string;
  nowMs: number;
  roots: ChainNodeView[];
  /** Nodes per status, for a summary line. */
  counts: Record<CircuitBalance['status'], number>;
}

export async function chain(deps: ViewDeps, q: { site: string }): Promise<ChainView> {
  const site = deps.model.sites.get(q.site);
  if (!site) throw new TargetError(`unknown site "${q.site}"`, 404);
  const nowMs = deps.clock.now();
  const freshMs = deps.liveFreshMs ?? 5 * 60_000;
  const points = [...deps.model.points.values()].filter((p) => p.site === site.id);
  const power = await latestValues(deps.store, points, 'power_w', nowMs);
  const current = await latestValues(deps.store, points, 'current_a', nowMs);
  const fresh = (m: typeof power, id: string) => {
    const v = m.get(id);
    return v && nowMs - v.ts <= freshMs ? v : undefined;
  };
  const counts: ChainView['counts'] = { ok: 0, warning: 0, critical: 0, unknown: 0 };
  const view = (n: NodeInfo): ChainNodeView => {
    const own = (deps.model.pointsByNode.get(n.id) ?? []).map((id) => deps.model.points.get(id)!);
    const read = topPoints(
      deps.model,
      own.filter((p) => p.scope !== 'aux' && fresh(power, p.id)).map((p) => p.id),
    );
    const currents: Partial<Record<LinePhase, number>> = {};
    for (const p of own) {
      const c = fresh(current, p.id);
      if (c && p.phase !== '3P' && (p.scope === 'phase' || currents[p.phase] === undefined)) currents[p.phase] = c.value;
    }
    const balance = circuitBalance(currents, n.ratedCurrentA);
    counts[balance.status]++;
    const tsOf = (ps: PointInfo[]) => (ps.length > 0 ? Math.max(...ps.map((p) => power.get(p.id)!.ts)) : undefined);
    return {
      id: n.id,
      kind: n.kind,
      name: n.name || undefined,
      room: n.room || undefined,
      rack: n.rack || undefined,
      feed: n.feed || undefined,
      phase: n.phase,
      ratedCurrentA: n.ratedCurrentA || undefined,
      voltageV: n.voltageV || undefined,
      depth: n.depth,
      kW: read.length > 0 ? read.reduce((s, p) => s + power.get(p.id)!.value, 0) / 1000 : undefined,
      ts: tsOf(read),
      points: own.map((p) => p.id),
      balance,
      children: n.children.map((c) => deps.model.nodes.get(c)!).map(view),
    };
  };
  const roots = [...deps.model.nodes.values()].filter((n) => n.site === site.id && n.parent === undefined).map(view);
  return { site: site.id, timeZone: site.timeZone, nowMs, roots, counts };
}
