// A small in-memory store for the lifecycle's unit tests: series with readings (energy and power), counter
// epoch events, the rollup watermarks with the claim protocol of central/storage/rollups/types.ts, rollup
// rows and the lifecycle key/values. Raw tier only; the real stores pass the contract suites.
import type { CounterEpochEvent, SeriesInfo, StoredEvent, BoundaryQuery, BoundaryValues } from '../../central/storage/readings/types.js';
import type { RawRemoval, RollupClaim, RollupRow, SeriesRollupState, StorageFigures } from '../../central/storage/rollups/types.js';

export interface FakeReading {
  ts: number;
  kwh?: number;
  w?: number;
}

interface FakeSeries {
  state: SeriesRollupState;
  readings: FakeReading[];
}

export class FakeLifecycleStore {
  readonly series = new Map<number, FakeSeries>();
  readonly rows = new Map<string, RollupRow>();
  readonly values = new Map<string, number>();
  readonly stored: StoredEvent[] = [];
  writes = 0;
  /** Called inside writeRollups before it applies (tests race a reading against a build). */
  beforeWrite?: () => void;

  addSeries(site: string, gateway: string, device: string, channel: string): number {
    const seriesId = this.series.size + 1;
    const state = {
      seriesId,
      site,
      gateway,
      device,
      channel,
      firstTs: undefined,
      lastTs: undefined,
      rolledToMs: undefined,
      dirtyFromMs: undefined,
    };
    this.series.set(seriesId, { state, readings: [] });
    return seriesId;
  }

  /** Stores readings as ingest does: a reading before rolledTo marks the series dirty (an unchanged mark moves 1 ms). */
  addReadings(seriesId: number, readings: readonly FakeReading[]): void {
    const s = this.series.get(seriesId)!;
    s.readings.push(...readings);
    s.readings.sort((a, b) => a.ts - b.ts);
    const minTs = Math.min(...readings.map((r) => r.ts));
    s.state.firstTs = s.readings[0]!.ts;
    s.state.lastTs = s.readings[s.readings.length - 1]!.ts;
    if (s.state.rolledToMs !== undefined && minTs < s.state.rolledToMs) {
      const d = s.state.dirtyFromMs;
      s.state.dirtyFromMs = d === undefined || minTs < d ? minTs : d - 1;
    }
  }

  addEvent(site: string, gateway: string, event: CounterEpochEvent, receivedAt: number): void {
    this.stored.push({ site, gateway, receivedAt, event });
  }

  async listSeries(filter: { site?: string } = {}): Promise<SeriesInfo[]> {
    return [...this.series.values()]
      .filter((s) => filter.site === undefined || s.state.site === filter.site)
      .map(({ state: s, readings }) => ({ ...s, id: s.seriesId, readingCount: readings.length }));
  }

  async boundaries(qs: readonly BoundaryQuery[]): Promise<BoundaryValues[]> {
    return qs.map((q) => {
      const key = q.measurement === 'power_w' ? 'w' : 'kwh';
      const rows = this.series.get(q.seriesId)?.readings ?? [];
      // Binary search for the first reading after atMs, then a step over readings without the measurement.
      let lo = 0;
      let hi = rows.length;
      while (lo < hi) {
        const mid = (lo + hi) >> 1;
        if (rows[mid]!.ts <= q.atMs) lo = mid + 1;
        else hi = mid;
      }
      let bi = lo - 1;
      while (bi >= 0 && rows[bi]![key] === undefined) bi--;
      let ai = bi >= 0 && rows[bi]!.ts === q.atMs ? bi : lo;
      while (ai < rows.length && rows[ai]![key] === undefined) ai++;
      const b = rows[bi];
      const a = rows[ai];
      const v = (r: FakeReading | undefined) => r && { ts: r.ts, value: r[key]!, quality: 'good' as const };
      return { before: v(b), after: v(a) };
    });
  }

  async events(q: { site: string; gateway: string; type?: string; fromMs?: number }): Promise<StoredEvent[]> {
    return this.stored.filter(
      (e) => e.site === q.site && e.gateway === q.gateway && (!q.type || e.event.type === q.type) && e.event.ts >= (q.fromMs ?? -Infinity),
    );
  }

  async rollupStates(): Promise<SeriesRollupState[]> {
    return [...this.series.values()].map((s) => ({ ...s.state }));
  }

  async claimRollups(claims: readonly { seriesId: number; toMs: number }[]): Promise<RollupClaim[]> {
    const out: RollupClaim[] = [];
    for (const c of claims) {
      const s = this.series.get(c.seriesId)!.state;
      if (s.firstTs === undefined) continue;
      const base = s.rolledToMs ?? s.firstTs;
      const mark = s.dirtyFromMs === undefined ? base : Math.min(s.dirtyFromMs, base);
      s.rolledToMs = c.toMs;
      s.dirtyFromMs = mark;
      out.push({ seriesId: c.seriesId, fromMs: mark, toMs: c.toMs, dirtyMarkMs: mark });
    }
    return out;
  }

  async powerStats(ids: readonly number[], fromMs: number, toMs: number, anchorMs: number, intervalMs: number) {
    const out: { seriesId: number; cell: number; readings: number; meanW: number | null; minW: number | null; maxW: number | null }[] = [];
    for (const seriesId of ids) {
      const cells = new Map<number, FakeReading[]>();
      for (const r of this.series.get(seriesId)!.readings) {
        if (r.ts < fromMs || r.ts >= toMs) continue;
        const cell = Math.floor((r.ts - anchorMs) / intervalMs);
        cells.set(cell, [...(cells.get(cell) ?? []), r]);
      }
      for (const [cell, rs] of cells) {
        const w = rs.filter((r) => r.w !== undefined).map((r) => r.w!);
        const mean = w.length ? w.reduce((a, b) => a + b, 0) / w.length : null;
        out.push({
          seriesId,
          cell,
          readings: rs.length,
          meanW: mean,
          minW: w.length ? Math.min(...w) : null,
          maxW: w.length ? Math.max(...w) : null,
        });
      }
    }
    return out;
  }

  async writeRollups(rows: readonly RollupRow[], done: readonly RollupClaim[]): Promise<void> {
    this.beforeWrite?.();
    this.writes++;
    for (const r of rows) this.rows.set(`${r.seriesId}/${r.dayMs}`, r);
    for (const c of done) {
      const s = this.series.get(c.seriesId)!.state;
      if (s.dirtyFromMs === c.dirtyMarkMs) s.dirtyFromMs = undefined;
    }
  }

  async markDirty(marks: readonly { seriesId: number; fromMs: number }[]): Promise<void> {
    for (const m of marks) {
      const s = this.series.get(m.seriesId)!.state;
      s.dirtyFromMs = Math.min(s.dirtyFromMs ?? Infinity, m.fromMs);
    }
  }

  async lifecycleValue(key: string): Promise<number | undefined> {
    return this.values.get(key);
  }

  async setLifecycleValue(key: string, value: number): Promise<void> {
    this.values.set(key, value);
  }

  /** Deletes at most batchRows readings per call, oldest series first, as the SQLite store does. */
  async removeRawBefore(cutoffMs: number, opts: { batchRows?: number } = {}): Promise<RawRemoval> {
    let left = opts.batchRows ?? 20_000;
    let removed = 0;
    for (const s of this.series.values()) {
      const n = Math.min(left, s.readings.filter((r) => r.ts < cutoffMs).length);
      s.readings.splice(0, n);
      removed += n;
      left -= n;
      s.state.firstTs = s.readings[0]?.ts;
    }
    const done = (await this.rawRemovable(cutoffMs)) === 0;
    if (done) this.values.set('raw_from_ms', Math.max(this.values.get('raw_from_ms') ?? -Infinity, cutoffMs));
    return { removed, done, rawFromMs: this.values.get('raw_from_ms') };
  }

  async compactClosed(_beforeMs: number): Promise<number> {
    return 0;
  }

  async rawRemovable(cutoffMs: number): Promise<number> {
    let n = 0;
    for (const s of this.series.values()) n += s.readings.filter((r) => r.ts < cutoffMs).length;
    return n;
  }

  async removeRollupsBefore(cutoffMs: number): Promise<number> {
    let n = 0;
    for (const [k, r] of this.rows)
      if (r.dayMs < cutoffMs) {
        this.rows.delete(k);
        n++;
      }
    return n;
  }

  historyRemovedBefore: number[] = [];
  async removeHistoryBefore(cutoffMs: number): Promise<number> {
    this.historyRemovedBefore.push(cutoffMs);
    return 0;
  }

  async storageFigures(): Promise<StorageFigures> {
    const all = [...this.series.values()].flatMap((s) => s.readings);
    const days = [...this.rows.values()].map((r) => r.dayMs);
    return {
      rawBytes: all.length * 40,
      rawRows: all.length,
      rollupBytes: [...this.rows.values()].reduce((a, r) => a + r.body.length, 0),
      rollupRows: this.rows.size,
      otherBytes: 1000,
      oldestRawMs: all.length ? Math.min(...all.map((r) => r.ts)) : undefined,
      oldestRollupDayMs: days.length ? Math.min(...days) : undefined,
      rawFromMs: this.values.get('raw_from_ms'),
    };
  }
}
