// `npm start -- [--duration-s N] [--data-dir DIR]`. Pure.
export interface DemoArgs {
  /** Live polling this long, then stop (tests); absent: until Ctrl-C. */
  durationS?: number;
  /** Where the central node's files go; absent: a new folder under the system's temp dir. */
  dataDir?: string;
}

export class DemoArgsError extends Error {}

export function parseDemoArgs(argv: readonly string[]): DemoArgs {
  const out: DemoArgs = {};
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    const value = argv[i + 1];
    if (a === '--duration-s') {
      const n = Number(value);
      if (value === undefined || !Number.isFinite(n) || n <= 0)
        throw new DemoArgsError(`--duration-s needs a positive number of seconds, got ${value ?? 'nothing'}`);
      out.durationS = n;
      i++;
    } else if (a === '--data-dir') {
      if (!value) throw new DemoArgsError('--data-dir needs a folder');
      out.dataDir = value;
      i++;
    } else {
      throw new DemoArgsError(`unknown argument ${a} (known: --duration-s N, --data-dir DIR)`);
    }
  }
  return out;
}
