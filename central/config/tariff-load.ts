// Tariffs from disk: one YAML file per site (`site:` and `versions:`), or one file with every site
// (`tariffs:` a list of those). Every problem of every file at once as `file: path: message (line N)`,
// and the tariffs checked against the inventory: a known site, billed in that site's currency.
import { readFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { z } from 'zod';
import { ConfigError, type ConfigIssue, formatPath } from '../../common/issues.js';
import { parseYamlDoc, type LineOf } from '../../common/yaml.js';
import type { InventoryModel } from '../model/types.js';
import { SiteTariff, type TariffBook } from '../model/tariffs/tariff.js';

export const TariffFile = z.union([z.strictObject({ tariffs: z.array(SiteTariff).min(1).describe('one entry per site') }), SiteTariff]);

export interface TariffReadDeps {
  readText(file: string): Promise<string>;
}

const fsDeps: TariffReadDeps = { readText: (file) => readFile(file, 'utf8') };

function issueAt(file: string, path: readonly PropertyKey[], message: string, lineOf?: LineOf): ConfigIssue {
  const line = lineOf?.(path);
  return { file, path: formatPath(path), message: line === undefined ? message : `${message} (line ${line})` };
}

/** Parses one file's text; issues instead of throwing, so callers can gather those of every file. */
export function parseTariffText(
  text: string,
  file: string,
): { tariffs: { tariff: SiteTariff; path: (string | number)[] }[]; issues: ConfigIssue[]; lineOf?: LineOf } {
  const doc = parseYamlDoc(text, file);
  if (!doc.ok) return { tariffs: [], issues: doc.issues };
  const multi = typeof doc.value === 'object' && doc.value !== null && 'tariffs' in doc.value;
  const parsed = (multi ? TariffFile.options[0] : SiteTariff).safeParse(doc.value);
  if (!parsed.success)
    return { tariffs: [], issues: parsed.error.issues.map((i) => issueAt(file, i.path, i.message, doc.lineOf)), lineOf: doc.lineOf };
  const list =
    'tariffs' in parsed.data
      ? parsed.data.tariffs.map((tariff, i) => ({ tariff, path: ['tariffs', i] }))
      : [{ tariff: parsed.data, path: [] }];
  return { tariffs: list, issues: [], lineOf: doc.lineOf };
}

/**
 * Reads the files into one book; a site in two places, a site the inventory does not know, or a currency
 * other than the site's (when a model is given) is a problem. Throws ConfigError with all of them.
 */
export async function readTariffs(files: readonly string[], model?: InventoryModel, deps: TariffReadDeps = fsDeps): Promise<TariffBook> {
  const issues: ConfigIssue[] = [];
  const book = new Map<string, SiteTariff>();
  const where = new Map<string, string>();
  for (const f of files) {
    const file = resolve(f);
    let text: string;
    try {
      text = await deps.readText(file);
    } catch (err) {
      issues.push({ file, path: '(file)', message: (err as Error).message });
      continue;
    }
    const r = parseTariffText(text, file);
    issues.push(...r.issues);
    for (const { tariff, path } of r.tariffs) {
      const at = [...path, 'site'];
      const prev = where.get(tariff.site);
      if (prev !== undefined) {
        issues.push(issueAt(file, at, `site "${tariff.site}" has a tariff already (${prev})`, r.lineOf));
        continue;
      }
      where.set(tariff.site, `${file}: ${formatPath(at)}`);
      book.set(tariff.site, tariff);
      if (!model) continue;
      const site = model.sites.get(tariff.site);
      if (!site)
        issues.push(issueAt(file, at, `unknown site "${tariff.site}" (the inventory has ${[...model.sites.keys()].join(', ')})`, r.lineOf));
      else {
        tariff.versions.forEach((v, i) => {
          if (v.currency !== site.currency)
            issues.push(
              issueAt(
                file,
                [...path, 'versions', i, 'currency'],
                `site "${site.id}" invoices in ${site.currency}, not ${v.currency}`,
                r.lineOf,
              ),
            );
        });
      }
    }
  }
  if (issues.length > 0) throw new ConfigError(issues);
  return book;
}
