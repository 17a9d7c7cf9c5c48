// Operators' edits over the inventory and tariff files: assignment versions, tariff versions, billing
// accounts, contract versions and utility prices appended through the API, applied in order, the model
// rebuilt from the result. Pure: an edit that would make the model or a tariff invalid comes back as
// problems and the caller keeps what it had.
import { z } from 'zod';
import { ConfigError } from '../../common/issues.js';
import type { EditKind } from '../storage/edits/types.js';
import { SiteTariff, TariffVersion, UtilityPrice, type TariffBook } from './tariffs/tariff.js';
import { Assignment, Id } from './assignment-schema.js';
import { applyContractEdits } from './contracts/edits.js';
import { Account, ContractEdit } from './contracts/schema.js';
import type { Inventory } from './inventory-types.js';
import { buildModel } from './build.js';
import { parseTimeSpec, resolveTimeSpec } from './time.js';
import type { InventoryModel, ModelProblem } from './types.js';

export const TariffEdit = z.object({ site: Id, version: TariffVersion });
export type TariffEdit = z.infer<typeof TariffEdit>;
export const UtilityPriceEdit = z.object({ site: Id, price: UtilityPrice });
export type UtilityPriceEdit = z.infer<typeof UtilityPriceEdit>;

/** The schema each kind of stored edit is written and read back with. */
export const EDIT_SCHEMAS = {
  assignment: Assignment,
  tariff: TariffEdit,
  account: Account,
  contract: ContractEdit,
  'utility-price': UtilityPriceEdit,
} as const satisfies Record<EditKind, z.ZodType>;
export type EditOf<K extends EditKind> = z.infer<(typeof EDIT_SCHEMAS)[K]>;

/** Every edit by kind, each list in the order the edits were made. */
export type ModelEdits = { readonly [K in EditKind]: readonly EditOf<K>[] };
export const NO_EDITS: ModelEdits = { assignment: [], tariff: [], account: [], contract: [], 'utility-price': [] };

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
    const parsed = SiteTariff.safeParse({ ...book.get(e.site), site: e.site, versions: [...clipped, e.version] });
    if (!parsed.success) {
      problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
      continue;
    }
    book.set(e.site, parsed.data);
  }
  return { book, problems };
}

/** Applies utility price edits in order: a month is priced once (it may have been invoiced). */
export function applyUtilityPriceEdits(
  base: TariffBook,
  edits: readonly UtilityPriceEdit[],
  model: InventoryModel,
): { book: TariffBook; problems: string[] } {
  const book = new Map(base);
  const problems: string[] = [];
  for (const { site, price } of edits) {
    const tariff = book.get(site);
    if (!model.sites.has(site)) problems.push(`unknown site "${site}"`);
    else if (!tariff) problems.push(`site "${site}" has no tariff: add its first tariff version, then its utility prices`);
    else if (tariff.utilityPrices?.some((p) => p.month === price.month))
      problems.push(`site "${site}" has a utility price for ${price.month} already; it may have been invoiced, so it stays`);
    else {
      const parsed = SiteTariff.safeParse({ ...tariff, utilityPrices: [...(tariff.utilityPrices ?? []), price] });
      if (parsed.success) book.set(site, parsed.data);
      else problems.push(...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
    }
  }
  return { book, problems };
}

/**
 * Says where a problem of the rebuilt model is: an edit by its number among the edits of its kind, a
 * contract an edit made or added a version to by its id, anything else at its place in the files.
 */
function located(p: ModelProblem, inv: Inventory, contracts: { ids: readonly string[]; edited: ReadonlySet<string> }): string {
  const [list, index, ...rest] = p.path;
  let where = `${String(list)}[${String(index)}]`;
  if (typeof index === 'number') {
    const files = { assignments: inv.assignments.length, accounts: inv.accounts?.length ?? 0 };
    if (list === 'assignments' && index >= files.assignments) where = `edit ${index - files.assignments + 1}`;
    if (list === 'accounts' && index >= files.accounts) where = `account edit ${index - files.accounts + 1}`;
    const id = list === 'contracts' ? contracts.ids[index] : undefined;
    if (id !== undefined && contracts.edited.has(id)) where = `contract "${id}"`;
  }
  return `${[where, ...rest].join('.')}: ${p.message}`;
}

/** The model of the inventory with every edit applied, and the tariffs with theirs. */
export function applyEdits(base: ModelBase, edits: ModelEdits): EditResult {
  const inv = base.inventory;
  const c = applyContractEdits(inv.contracts ?? [], edits.contract);
  if (c.problems.length > 0) return { ok: false, problems: c.problems };
  const built = buildModel({
    ...inv,
    assignments: [...inv.assignments, ...edits.assignment],
    accounts: [...(inv.accounts ?? []), ...edits.account],
    contracts: c.contracts,
  });
  if (!built.ok) {
    const contracts = { ids: c.contracts.map((x) => x.id), edited: c.edited };
    return { ok: false, problems: built.problems.map((p) => located(p, inv, contracts)) };
  }
  const t = applyTariffEdits(base.tariffs, edits.tariff, built.model);
  if (t.problems.length > 0) return { ok: false, problems: t.problems };
  const u = applyUtilityPriceEdits(t.book, edits['utility-price'], built.model);
  if (u.problems.length > 0) return { ok: false, problems: u.problems };
  return { ok: true, value: { model: built.model, tariffs: u.book } };
}

/** Stored edits that no longer apply (the files changed under them) stop the start with every problem. */
export function editsError(problems: readonly string[]): ConfigError {
  return new ConfigError(problems.map((message) => ({ file: '(database)', path: 'model_edits', message })));
}
