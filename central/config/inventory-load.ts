// The inventory from disk: a file and the files it includes, each checked against the schema, merged, then
// built into the model; every problem of every file reported at once as `file: path: message (line N)`.
import { readFile } from 'node:fs/promises';
import { dirname, resolve } from 'node:path';
import { ConfigError, type ConfigIssue, formatPath } from '../../common/issues.js';
import { buildModel } from '../model/build.js';
import type { InventoryModel } from '../model/types.js';
import type { Inventory } from '../model/inventory-types.js';
import { INVENTORY_LISTS, InventoryFile, type InventoryList } from './inventory-schema.js';
import { type LineOf, parseYamlDoc } from '../../common/yaml.js';

export interface LoadedInventory {
  inventory: Inventory;
  model: InventoryModel;
  /** The files read, the named one first. */
  files: string[];
}

export interface InventoryReadDeps {
  readText(file: string): Promise<string>;
}

const fsDeps: InventoryReadDeps = { readText: (file) => readFile(file, 'utf8') };

interface Origin {
  file: string;
  index: number;
  lineOf: LineOf;
}

/** Reads, validates and builds; throws ConfigError carrying every problem found. */
export async function readInventory(file: string, deps: InventoryReadDeps = fsDeps): Promise<LoadedInventory> {
  const issues: ConfigIssue[] = [];
  const merged = Object.fromEntries(INVENTORY_LISTS.map((l) => [l, []])) as unknown as Record<InventoryList, unknown[]>;
  const origins = Object.fromEntries(INVENTORY_LISTS.map((l) => [l, []])) as unknown as Record<InventoryList, Origin[]>;
  const files: string[] = [];

  const load = async (path: string, from?: { file: string; at: string }): Promise<void> => {
    const abs = resolve(path);
    if (files.includes(abs)) {
      issues.push({ file: from?.file ?? abs, path: from?.at ?? '(file)', message: `${abs} is already included` });
      return;
    }
    files.push(abs);
    let text: string;
    try {
      text = await deps.readText(abs);
    } catch (err) {
      issues.push(
        from
          ? { file: from.file, path: from.at, message: `cannot read ${abs}: ${(err as Error).message}` }
          : { file: abs, path: '(file)', message: (err as Error).message },
      );
      return;
    }
    const doc = parseYamlDoc(text, abs);
    if (!doc.ok) {
      issues.push(...doc.issues);
      return;
    }
    const parsed = InventoryFile.safeParse(doc.value);
    if (parsed.success) {
      for (const list of INVENTORY_LISTS) {
        parsed.data[list].forEach((entry, index) => {
          merged[list].push(entry);
          origins[list].push({ file: abs, index, lineOf: doc.lineOf });
        });
      }
    } else {
      issues.push(...parsed.error.issues.map((i) => issueAt(abs, i.path, i.message, doc.lineOf)));
    }
    // Included files are checked even when this one has problems, so every file's problems come at once.
    for (const [k, inc] of includesOf(doc.value).entries()) await load(resolve(dirname(abs), inc), { file: abs, at: `include[${k}]` });
  };

  await load(file);
  if (issues.length > 0) throw new ConfigError(issues);
  const inventory = merged as unknown as Inventory;
  const built = buildModel(inventory);
  if (!built.ok) {
    throw new ConfigError(
      built.problems.map((p) => {
        const [list, index, ...rest] = p.path as [InventoryList, number, ...(string | number)[]];
        const o = origins[list][index]!;
        return issueAt(o.file, [list, o.index, ...rest], p.message, o.lineOf);
      }),
    );
  }
  return { inventory, model: built.model, files };
}

function includesOf(value: unknown): string[] {
  const inc = (value as { include?: unknown } | null)?.include;
  return Array.isArray(inc) ? inc.filter((x): x is string => typeof x === 'string' && x !== '') : [];
}

function issueAt(file: string, path: readonly PropertyKey[], message: string, lineOf: LineOf): ConfigIssue {
  const line = lineOf(path);
  return { file, path: formatPath(path), message: line === undefined ? message : `${message} (line ${line})` };
}
