// Assignments: who holds which target when. Resolves targets and instants, applies versions (a later
// version takes over from its `from` on), rejects two customers on one target at once, and lists for each
// point the assignments that can reach it with their precedence. Pure.
import { FEED_KINDS, type Assignment, type NodeKind } from './inventory-types.js';
import { isoOf, parseTimeSpec, resolveTimeSpec } from './time.js';
import type { AssignmentVersion, CageInfo, HoldLevel, Holding, ModelProblem, NodeInfo, PointInfo, RackInfo, SiteInfo } from './types.js';

interface Context {
  sites: ReadonlyMap<string, SiteInfo>;
  nodes: ReadonlyMap<string, NodeInfo>;
  racks: ReadonlyMap<string, RackInfo>;
  cages: ReadonlyMap<string, CageInfo>;
  customers: ReadonlySet<string>;
  points: ReadonlyMap<string, PointInfo>;
}

type Match = NonNullable<Assignment['match']>;

interface Resolved {
  index: number;
  version: AssignmentVersion;
  /** Explicit targets: `outlet:id`, `pdu:id`, `feed:id`, `rack:id`, `cage:id`; rules have none. */
  key?: string;
  match?: Match;
  depth: number;
}

/** Precedence bases (smaller wins); node targets add 1000 - depth so the deeper of two nested nodes wins. */
const RANK_BASE: Record<HoldLevel, number> = { outlet: 0, pdu: 10_000, rack: 20_000, cage: 30_000, feed: 40_000, rule: 50_000 };
const NODE_LEVELS: Partial<Record<HoldLevel, readonly NodeKind[]>> = { outlet: ['outlet'], pdu: ['pdu'], feed: FEED_KINDS };

export interface ResolvedAssignments {
  versions: AssignmentVersion[];
  holdings: Map<string, Holding[]>;
  pointsByCustomer: Map<string, string[]>;
}

export function resolveAssignments(raw: readonly Assignment[], ctx: Context, problems: ModelProblem[]): ResolvedAssignments {
  const resolved: Resolved[] = [];
  raw.forEach((a, i) => {
    const r = resolveOne(a, i, ctx, problems);
    if (r) resolved.push(r);
  });
  applyVersions(resolved, raw, problems);
  const byKey = group(
    resolved.filter((r) => r.key !== undefined),
    (r) => r.key!,
  );
  const rulesByRack = new Map<string, Resolved[]>();
  const rules = resolved.filter((r) => r.match !== undefined);
  for (const rack of ctx.racks.values()) {
    const hits = rules.filter((r) => matches(r.match!, rack, ctx.cages));
    if (hits.length > 0) rulesByRack.set(rack.id, hits);
  }
  for (const [key, list] of byKey) checkOverlaps(list, key, problems);
  for (const [rack, list] of rulesByRack) checkOverlaps(list, `rack:${rack} (by rules)`, problems);

  const holdings = new Map<string, Holding[]>();
  const pointsByCustomer = new Map<string, string[]>();
  for (const p of ctx.points.values()) {
    const cands: Resolved[] = [];
    for (const nodeId of p.path) {
      for (const level of ['outlet', 'pdu', 'feed'] as const) cands.push(...(byKey.get(`${level}:${nodeId}`) ?? []));
    }
    if (p.rack !== undefined) cands.push(...(byKey.get(`rack:${p.rack}`) ?? []), ...(rulesByRack.get(p.rack) ?? []));
    if (p.cage !== undefined) cands.push(...(byKey.get(`cage:${p.cage}`) ?? []));
    const list = cands
      .filter((c) => c.version.effective)
      .map(holdingOf)
      .sort((a, b) => a.rank - b.rank || a.fromMs - b.fromMs || a.assignment.localeCompare(b.assignment) || a.version - b.version);
    if (list.length === 0) continue;
    holdings.set(p.id, list);
    for (const c of new Set(list.map((h) => h.customer))) {
      const ids = pointsByCustomer.get(c) ?? [];
      ids.push(p.id);
      pointsByCustomer.set(c, ids);
    }
  }
  return { versions: resolved.map((r) => r.version), holdings, pointsByCustomer };
}

function holdingOf(r: Resolved): Holding {
  const v = r.version;
  const rank = RANK_BASE[v.level] + (NODE_LEVELS[v.level] ? 1000 - r.depth : 0);
  return {
    assignment: v.id,
    version: v.version,
    customer: v.customer,
    level: v.level,
    rank,
    fromMs: v.effective!.fromMs,
    toMs: v.effective!.toMs,
  };
}

function resolveOne(a: Assignment, i: number, ctx: Context, problems: ModelProblem[]): Resolved | undefined {
  const at = (...field: string[]) => ['assignments', i, ...field] as const;
  let ok = true;
  const fail = (path: readonly (string | number)[], message: string) => {
    problems.push({ path, message });
    ok = false;
  };
  if (!ctx.customers.has(a.customer)) fail(at('customer'), `unknown customer "${a.customer}"`);
  let level: HoldLevel = 'rule';
  let key: string | undefined;
  let site: string | undefined;
  let depth = 0;
  for (const lvl of ['outlet', 'pdu', 'feed'] as const) {
    const id = a[lvl];
    if (id === undefined) continue;
    level = lvl;
    key = `${lvl}:${id}`;
    const node = ctx.nodes.get(id);
    if (!node) fail(at(lvl), `unknown node "${id}"`);
    else if (!NODE_LEVELS[lvl]!.includes(node.kind))
      fail(at(lvl), `node "${id}" is a ${node.kind}; ${lvl} needs ${NODE_LEVELS[lvl]!.join(', ')}`);
    else {
      site = node.site;
      depth = node.depth;
    }
  }
  if (a.rack !== undefined) {
    level = 'rack';
    key = `rack:${a.rack}`;
    site = ctx.racks.get(a.rack)?.site;
    if (site === undefined) fail(at('rack'), `unknown rack "${a.rack}"`);
  }
  if (a.cage !== undefined) {
    level = 'cage';
    key = `cage:${a.cage}`;
    site = ctx.cages.get(a.cage)?.site;
    if (site === undefined) fail(at('cage'), `unknown cage "${a.cage}"`);
  }
  if (a.match !== undefined) {
    const m = a.match;
    if (m.site !== undefined && !ctx.sites.has(m.site)) fail(at('match', 'site'), `unknown site "${m.site}"`);
    site = m.site;
    for (const kind of ['cage', 'suite'] as const) {
      const id = m[kind];
      if (id === undefined) continue;
      const cage = ctx.cages.get(id);
      if (!cage) fail(at('match', kind), `unknown ${kind} "${id}"`);
      else if (cage.kind !== kind) fail(at('match', kind), `"${id}" is a ${cage.kind}, not a ${kind}`);
      else if (site !== undefined && cage.site !== site)
        fail(at('match', kind), `${kind} "${id}" is in site "${cage.site}", not "${site}"`);
      else site = cage.site;
    }
  }
  const zone = site === undefined ? undefined : ctx.sites.get(site)?.timeZone;
  const instant = (field: 'from' | 'to', text: string): number | undefined => {
    const ms = resolveTimeSpec(parseTimeSpec(text)!, zone);
    // An unknown target has been reported already; only a rule can lack a site by design.
    if (ms === undefined && ok)
      fail(at(field), `local date "${text}" needs a site, and this rule names none: give match.site or a timestamp with an offset`);
    return ms;
  };
  const fromMs = instant('from', a.from);
  const toMs = a.to === undefined ? Infinity : instant('to', a.to);
  if (fromMs !== undefined && toMs !== undefined && fromMs >= toMs) fail(at('to'), `"to" (${a.to}) must be after "from" (${a.from})`);
  if (!ok || fromMs === undefined || toMs === undefined) return undefined;
  const target = key ?? `match:${JSON.stringify(a.match)}`;
  const version: AssignmentVersion = {
    id: a.id,
    version: a.version,
    customer: a.customer,
    level,
    target,
    fromMs,
    toMs,
    ...(site !== undefined ? { site } : {}),
    ...(a.note !== undefined ? { note: a.note } : {}),
  };
  return { index: i, version, depth, ...(key !== undefined ? { key } : {}), ...(a.match ? { match: a.match } : {}) };
}

/** Version n+1 takes over from its `from` on: each version ends where any later one begins, or earlier. */
function applyVersions(resolved: Resolved[], raw: readonly Assignment[], problems: ModelProblem[]): void {
  const seen = new Map<string, number>();
  raw.forEach((a, i) => {
    const key = `${a.id}\n${a.version}`;
    const prev = seen.get(key);
    if (prev !== undefined)
      problems.push({ path: ['assignments', i, 'version'], message: `"${a.id}" version ${a.version} is also assignments[${prev}]` });
    else seen.set(key, i);
  });
  const byId = group(
    raw.map((a, i) => ({ a, i })),
    (x) => x.a.id,
  );
  for (const [id, list] of byId) {
    const have = new Set(list.map((x) => x.a.version));
    const max = Math.max(...have);
    const missing = Array.from({ length: max }, (_, k) => k + 1).filter((v) => !have.has(v));
    const last = list.find((x) => x.a.version === max)!;
    if (missing.length > 0)
      problems.push({
        path: ['assignments', last.i, 'version'],
        message: `versions of "${id}" must run 1..${max}: ${missing.join(', ')} missing`,
      });
  }
  for (const versions of group(resolved, (r) => r.version.id).values()) {
    // From the newest down, carrying the earliest `from` of everything newer.
    versions.sort((p, q) => q.version.version - p.version.version);
    let laterFromMs = Infinity;
    for (const r of versions) {
      const endMs = Math.min(r.version.toMs, laterFromMs);
      if (r.version.fromMs < endMs) r.version.effective = { fromMs: r.version.fromMs, toMs: endMs };
      laterFromMs = Math.min(laterFromMs, r.version.fromMs);
    }
  }
}

function checkOverlaps(list: readonly Resolved[], target: string, problems: ModelProblem[]): void {
  for (let x = 0; x < list.length; x++) {
    for (let y = x + 1; y < list.length; y++) {
      const [a, b] = [list[x]!, list[y]!].sort((p, q) => p.index - q.index) as [Resolved, Resolved];
      const ea = a.version.effective;
      const eb = b.version.effective;
      if (!ea || !eb || a.version.id === b.version.id || a.version.customer === b.version.customer) continue;
      const fromMs = Math.max(ea.fromMs, eb.fromMs);
      const toMs = Math.min(ea.toMs, eb.toMs);
      if (fromMs >= toMs) continue;
      problems.push({
        path: ['assignments', b.index, 'from'],
        message: `${target} is held by customer "${b.version.customer}" and by "${a.version.customer}" (assignments[${a.index}], "${a.version.id}" v${a.version.version}) over [${isoOf(fromMs)}, ${isoOf(toMs)})`,
      });
    }
  }
}

export function matches(m: Match, rack: RackInfo, cages: ReadonlyMap<string, CageInfo>): boolean {
  if (m.site !== undefined && rack.site !== m.site) return false;
  const cage = rack.cage === undefined ? undefined : cages.get(rack.cage);
  if (m.cage !== undefined && (cage?.id !== m.cage || cage.kind !== 'cage')) return false;
  if (m.suite !== undefined && (cage?.id !== m.suite || cage.kind !== 'suite')) return false;
  if (m.rackPrefix !== undefined && !rack.id.startsWith(m.rackPrefix)) return false;
  return (m.tags ?? []).every((t) => rack.tags.includes(t));
}

function group<T>(items: readonly T[], keyOf: (x: T) => string): Map<string, T[]> {
  const out = new Map<string, T[]>();
  for (const x of items) {
    const list = out.get(keyOf(x)) ?? [];
    list.push(x);
    out.set(keyOf(x), list);
  }
  return out;
}
