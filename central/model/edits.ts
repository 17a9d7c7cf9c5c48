// Operators' edits over the inventory and tariff files: assignment versions and tariff versions appended
// through the API, applied in order, the model rebuilt from the result. Pure: an edit that would make the
// model or a tariff invalid comes back as problems and the caller keeps what it had.
import { ConfigError } from '../../common/issues.js';
import { SiteTariff, type TariffBook, type TariffVersion } from './tariffs/tariff.js';
import type { Assignment, Inventory } from './inventory-types.js';
import { buildModel } from './build.js';
import { parseTimeSpec, resolveTimeSpec } from './time.js';
import type { InventoryModel } from './types.js';

export interface TariffEdit {
  site: string;
  version: TariffVersion;
}

export interface ModelBase {
  inventory: Inventory;
  tariffs: TariffBook;
}

export interface EditedModel {
  model: InventoryModel;
  tariffs: TariffBook;
}

export type EditResult = { ok: true; value: EditedModel } | { ok: false; problems: string[] };

/** The next version number of an assignment id (1 for a new id), given the file's and the edits' versions. */
export function nextAssignmentVersion(all: readonly Pick<Assignment, 'id' | 'version'>[], id: string): number {
  return Math.max(0, ...all.filter((a) => a.id === id).map((a) => a.version)) + 1;
}

/**
 * A later version must start after the version it supersedes starts: otherwise it would erase that
 * version's history instead of superseding it from an instant.
 */
export function checkSupersedes(all: readonly Assignment[], next: Assignment, model: InventoryModel): string[] {
  const prev = all.filter((a) => a.id === next.id).sort((a, b) => b.version - a.version)[0];
  if (!prev) return [];
  const site = model.assignments.find((v) => v.id === prev.id && v.version === prev.version)?.site;
  const zone = site === undefined ? undefined : model.sites.get(site)?.timeZone;
  const at = (t: string) => resolveTimeSpec(parseTimeSpec(t)!, zone);
  const [a, b] = [at(prev.from), at(next.from)];
  if (a !== undefined && b !== undefined && b <= a)
    return [
      `version ${next.version} of "${next.id}" must start after version ${prev.version} starts (${prev.from}); history is superseded, never rewritten`,
    ];
  return [];
}

/** Applies tariff edits in order: each new version takes over from its validFrom; the versions before it end there. */
export function applyTariffEdits(
  base: TariffBook,
  edits: readonly TariffEdit[],
  model: InventoryModel,
): { book: TariffBook; problems: string[] } {
  const book = new Map(base);
  const problems: string[] = [];
  for (const e of edits) {
    const site = model.sites.get(e.site);
    if (!site) {
      problems.push(`unknown site "${e.site}"`);
      continue;
    }
    if (e.version.currency !== site.currency) {
      problems.push(`site "${e.site}" invoices in ${site.currency}, not ${e.version.currency}`);
      continue;
    }
    const versions = [...(book.get(e.site)?.versions ?? [])];
    const last = versions[versions.length - 1];
    if (last && e.version.validFrom <= last.validFrom) {
      problems.push(`validFrom ${e.version.validFrom} must be after the latest version's (${last.version}: ${last.validFrom})`);
      continue;
    }
    if (versions.some((v) => v.version === e.version.version)) {
      problems.push(`site "${e.site}" has a version named "${e.version.version}" already`);
      continue;
    }
    const clipped = versions.map((v) =>
      v.validTo === undefined || v.validTo > e.version.validFrom ? { ...v, validTo: e.version.validFrom } : v,
    );
    const parsed = SiteTariff.safeParse({ site: e.site, versions: [...clipped, e.version] });
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      continue;
    }
    book.set(e.site, parsed.data);
  }
  return { book, problems };
}

/** The model of the inventory with the edited assignments appended, and the tariffs with their edits. */
export function applyEdits(base: ModelBase, assignments: readonly Assignment[], tariffs: readonly TariffEdit[]): EditResult {
  const n = base.inventory.assignments.length;
  const built = buildModel({ ...base.inventory, assignments: [...base.inventory.assignments, ...assignments] });
  if (!built.ok) {
    return {
      ok: false,
      problems: built.problems.map((p) => {
        const [list, index, ...rest] = p.path;
        const where =
          list === 'assignments' && typeof index === 'number' && index >= n ? `edit ${index - n + 1}` : `${String(list)}[${String(index)}]`;
        return `${[where, ...rest].join('.')}: ${p.message}`;
      }),
    };
  }
  const t = applyTariffEdits(base.tariffs, tariffs, built.model);
  if (t.problems.length > 0) return { ok: false, problems: t.problems };
  return { ok: true, value: { model: built.model, tariffs: t.book } };
}

/** Stored edits that no longer apply (the files changed under them) stop the start with every problem. */
export function editsError(problems: readonly string[]): ConfigError {
  return new ConfigError(problems.map((message) => ({ file: '(database)', path: 'model_edits', message })));
}
