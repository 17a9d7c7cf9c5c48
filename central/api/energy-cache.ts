// The customer energy report behind the API, with two caches: the series index (every series id by
// source, one listSeries per site: 50,000 rows at scale, so not per request) and finished reports keyed
// by model version and query. Reports live `ttlMs`; a new model version (an edit) is a new key at once.
// The index is loaded once and then refreshed in the background when older than `ttlMs`, the old one
// answering meanwhile (a load takes about a second at 100,000 points: no request waits for it but the
// first). So a series that appears late shows within two ttlMs.
import { customerEnergyReport, type EnergyReport } from '../energy/customer-report.js';
import { seriesIndex, type SeriesIndex, type StoreSourcesDeps } from '../energy/store-source.js';
import type { CustomerEnergy } from './types.js';

export interface EnergyCacheDeps {
  store: StoreSourcesDeps['store'];
  clock: { now(): number };
  ttlMs?: number;
  maxReports?: number;
}

export interface EnergyCacheStats {
  hits: number;
  misses: number;
  indexLoads: number;
  /** Background refreshes of the index that failed (the old one kept; tried again on the next request). */
  indexFailures: number;
}

export function cachedCustomerEnergy(deps: EnergyCacheDeps): CustomerEnergy & { stats: EnergyCacheStats } {
  const ttlMs = deps.ttlMs ?? 60_000;
  const max = deps.maxReports ?? 1000;
  const reports = new Map<string, { atMs: number; report: Promise<EnergyReport> }>();
  let index: { atMs: number; sites: string; value: Promise<SeriesIndex> } | undefined;
  const stats: EnergyCacheStats = { hits: 0, misses: 0, indexLoads: 0, indexFailures: 0 };
  let refreshing = false;

  const indexFor = (sites: string[]): Promise<SeriesIndex> => {
    const key = sites.join('\n');
    const now = deps.clock.now();
    if (!index || index.sites !== key) {
      stats.indexLoads++;
      const value = seriesIndex(deps.store, sites);
      index = { atMs: now, sites: key, value };
      value.catch(() => {
        index = undefined;
      });
    } else if (now - index.atMs > ttlMs && !refreshing) {
      refreshing = true;
      stats.indexLoads++;
      seriesIndex(deps.store, sites)
        .then(
          (fresh) => {
            if (index?.sites === key) index = { atMs: deps.clock.now(), sites: key, value: Promise.resolve(fresh) };
          },
          () => {
            stats.indexFailures++;
          },
        )
        .finally(() => {
          refreshing = false;
        });
    }
    return index.value;
  };

  const fn: CustomerEnergy = async ({ model, version, query }) => {
    const key = [version, query.customer, query.from, query.to, query.by].join('\n');
    const now = deps.clock.now();
    const hit = reports.get(key);
    if (hit && now - hit.atMs <= ttlMs) {
      stats.hits++;
      return hit.report;
    }
    stats.misses++;
    const report = indexFor([...model.sites.keys()].sort()).then((idx) =>
      customerEnergyReport({ store: deps.store, model, seriesIndex: idx }, query),
    );
    reports.delete(key);
    reports.set(key, { atMs: now, report });
    report.catch(() => reports.delete(key));
    while (reports.size > max) reports.delete(reports.keys().next().value!);
    return report;
  };
  return Object.assign(fn, { stats });
}
