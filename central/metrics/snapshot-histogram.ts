// A histogram whose buckets are kept elsewhere, already cumulative (central/ingest/counters.ts keeps its
// store latencies so): the scrape reads them as they are instead of observing every value twice.
// prom-client 15 renders a metric from get() (and getForPromString() where present); both are given here.
import { Histogram, type Registry } from 'prom-client';

export interface HistogramSnapshot {
  /** Upper bounds in base units (seconds), ascending, each count cumulative; +Inf is added from `count`. */
  buckets: readonly { le: number; count: number }[];
  count: number;
  sum: number;
}

export interface SnapshotHistogramOptions {
  name: string;
  help: string;
  registers: Registry[];
  read: () => HistogramSnapshot;
}

type Value = { labels: Record<string, string | number>; value: number; metricName: string };

export class SnapshotHistogram extends Histogram {
  private readonly read: () => HistogramSnapshot;
  private readonly metricName: string;
  private readonly helpText: string;

  constructor(o: SnapshotHistogramOptions) {
    super({ name: o.name, help: o.help, registers: o.registers, buckets: [] });
    this.read = o.read;
    this.metricName = o.name;
    this.helpText = o.help;
  }

  override async get(): ReturnType<Histogram['get']> {
    const s = this.read();
    const values: Value[] = [
      ...s.buckets.map((b) => ({ labels: { le: b.le }, value: b.count, metricName: `${this.metricName}_bucket` })),
      { labels: { le: '+Inf' }, value: s.count, metricName: `${this.metricName}_bucket` },
      { labels: {}, value: s.sum, metricName: `${this.metricName}_sum` },
      { labels: {}, value: s.count, metricName: `${this.metricName}_count` },
    ];
    const metric = { name: this.metricName, help: this.helpText, type: 'histogram', aggregator: 'sum', values };
    return metric as unknown as Awaited<ReturnType<Histogram['get']>>;
  }

  async getForPromString(): ReturnType<Histogram['get']> {
    return this.get();
  }
}
