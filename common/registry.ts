// Registries, not switches: each kind registers once; unknown and duplicate kinds fail loudly.
export class Registry<T> {
  private readonly entries = new Map<string, T>();
  constructor(private readonly what: string) {}

  register(kind: string, entry: T): this {
    if (this.entries.has(kind)) throw new Error(`${this.what} "${kind}" is registered twice`);
    this.entries.set(kind, entry);
    return this;
  }

  get(kind: string): T {
    const e = this.entries.get(kind);
    if (!e) throw new Error(`unknown ${this.what} "${kind}" (known: ${[...this.entries.keys()].join(', ')})`);
    return e;
  }
}
