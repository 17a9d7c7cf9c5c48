// Resolves the inventory's entities, accounts and contracts against its sites and customers, filling in
// what is implied (a site without entity invoices alone, a customer without account is its own), and
// reports every reference problem at the path it was written.
import type { Inventory } from '../inventory-types.js';
import type { CustomerInfo, ModelProblem, SiteInfo } from '../types.js';
import type { ContractVersion } from './schema.js';
import type { AccountInfo, ContractInfo, EntityInfo, Parties } from './types.js';

interface Known {
  sites: ReadonlyMap<string, SiteInfo>;
  customers: ReadonlyMap<string, CustomerInfo>;
}

const MONEY_FIELDS = [
  'energyPricePerKwh',
  'touWindows',
  'passThrough',
  'committedPowerPricePerKw',
  'overagePricePerKw',
  'minimumChargePerMonth',
  'fixedFees',
] as const satisfies readonly (keyof ContractVersion)[];

/** Whether a version states an amount of money (then the sites it covers must share one currency). */
const statesMoney = (v: ContractVersion): boolean => MONEY_FIELDS.some((k) => v[k] !== undefined);

/** [validFrom, validTo) of two versions share a date (local dates compare as text). */
const overlap = (a: ContractVersion, b: ContractVersion): boolean =>
  a.validFrom < (b.validTo ?? '9999-12-31') && b.validFrom < (a.validTo ?? '9999-12-31');

/** Reports a second use of an id in a list, as build.ts does for the other lists; true for the first. */
function firstOf(seen: Map<string, number>, list: string, what: string, id: string, i: number, problems: ModelProblem[]): boolean {
  const prev = seen.get(id);
  if (prev === undefined) {
    seen.set(id, i);
    return true;
  }
  problems.push({ path: [list, i, 'id'], message: `duplicate ${what} id "${id}" (also ${list}[${prev}])` });
  return false;
}

export function resolveParties(inv: Inventory, known: Known, problems: ModelProblem[]): Parties {
  const entities = new Map<string, EntityInfo>();
  const entityIds = new Map<string, number>();
  (inv.entities ?? []).forEach((e, i) => {
    if (firstOf(entityIds, 'entities', 'entity', e.id, i, problems))
      entities.set(e.id, {
        id: e.id,
        name: e.name,
        timeZone: e.timeZone ?? '',
        sites: [],
        implied: false,
        ...(e.details ? { details: e.details } : {}),
      });
  });
  const siteEntity = new Map<string, string>();
  const siteSeen = new Set<string>();
  inv.sites.forEach((s, i) => {
    // A second site of one id is build.ts's to report; only the first (the one the model keeps) is resolved.
    if (!known.sites.has(s.id) || siteSeen.has(s.id)) return;
    siteSeen.add(s.id);
    if (s.entity === undefined) {
      if (entities.has(s.id) && !entities.get(s.id)!.implied) {
        problems.push({ path: ['sites', i, 'id'], message: `site "${s.id}" invoices alone under its own id, which entity "${s.id}" uses` });
        return;
      }
      entities.set(s.id, { id: s.id, name: s.name, timeZone: s.timeZone, sites: [s.id], implied: true });
      siteEntity.set(s.id, s.id);
      return;
    }
    const e = entities.get(s.entity);
    if (!e || e.implied) {
      problems.push({ path: ['sites', i, 'entity'], message: `unknown entity "${s.entity}"` });
      return;
    }
    entities.set(e.id, { ...e, timeZone: e.timeZone || s.timeZone, sites: [...e.sites, s.id] });
    siteEntity.set(s.id, e.id);
  });
  for (const e of entities.values()) if (!e.timeZone) entities.set(e.id, { ...e, timeZone: 'UTC' });

  const accounts = new Map<string, AccountInfo>();
  const defaultAccount = new Map<string, string>();
  const accountIds = new Map<string, number>();
  (inv.accounts ?? []).forEach((a, i) => {
    if (!firstOf(accountIds, 'accounts', 'account', a.id, i, problems)) return;
    if (!known.customers.has(a.customer)) problems.push({ path: ['accounts', i, 'customer'], message: `unknown customer "${a.customer}"` });
    else {
      accounts.set(a.id, { ...a, implied: false });
      if (!defaultAccount.has(a.customer)) defaultAccount.set(a.customer, a.id);
    }
  });
  for (const c of known.customers.values()) {
    if (defaultAccount.has(c.id)) continue;
    const clash = accounts.get(c.id);
    if (clash) {
      const i = (inv.accounts ?? []).findIndex((a) => a.id === c.id);
      problems.push({
        path: ['accounts', i, 'id'],
        message: `customer "${c.id}" has no account of its own and is invoiced as account "${c.id}", which belongs to "${clash.customer}"`,
      });
      continue;
    }
    accounts.set(c.id, { id: c.id, customer: c.id, name: c.name, ...(c.externalRef ? { externalRef: c.externalRef } : {}), implied: true });
    defaultAccount.set(c.id, c.id);
  }

  const contracts = new Map<string, ContractInfo>();
  const contractsByCustomer = new Map<string, ContractInfo[]>();
  const contractIds = new Map<string, number>();
  // Every contract written so far, with the sites it covers, even one with problems of its own: an
  // overlap with it is a problem of its own too, and fixing one should not reveal the next.
  const written = new Map<string, { id: string; covered: readonly string[]; versions: readonly ContractVersion[] }[]>();
  (inv.contracts ?? []).forEach((c, i) => {
    const at = (...p: (string | number)[]) => ['contracts', i, ...p];
    const before = problems.length;
    firstOf(contractIds, 'contracts', 'contract', c.id, i, problems);
    if (!known.customers.has(c.customer)) problems.push({ path: at('customer'), message: `unknown customer "${c.customer}"` });
    const account = c.account ?? defaultAccount.get(c.customer);
    const acc = account === undefined ? undefined : accounts.get(account);
    if (c.account !== undefined && !acc) problems.push({ path: at('account'), message: `unknown account "${c.account}"` });
    else if (acc && acc.customer !== c.customer)
      problems.push({ path: at('account'), message: `account "${acc.id}" belongs to customer "${acc.customer}", not "${c.customer}"` });
    c.sites?.forEach((s, j) => {
      if (!known.sites.has(s)) problems.push({ path: at('sites', j), message: `unknown site "${s}"` });
      else if (c.sites!.indexOf(s) < j) problems.push({ path: at('sites', j), message: `site "${s}" is listed twice` });
    });
    const covered = [...new Set(c.sites ?? known.sites.keys())].filter((s) => known.sites.has(s));
    const currencies = new Set(covered.map((s) => known.sites.get(s)!.currency));
    const priced = c.versions.findIndex(statesMoney);
    if (currencies.size > 1 && priced >= 0)
      problems.push({
        path: at('versions', priced),
        message: `states prices, but its sites invoice in ${[...currencies].join(' and ')}: one contract per currency (list its sites)`,
      });
    for (const other of written.get(c.customer) ?? []) {
      const shared = covered.filter((s) => other.covered.includes(s));
      const clash = shared.length > 0 && c.versions.some((v) => other.versions.some((w) => overlap(v, w)));
      if (clash)
        problems.push({
          path: at('versions'),
          message: `overlaps contract "${other.id}" at ${shared.join(', ')}: one contract per customer, site and date`,
        });
    }
    written.set(c.customer, [...(written.get(c.customer) ?? []), { id: c.id, covered, versions: c.versions }]);
    if (problems.length > before || account === undefined) return;
    const info: ContractInfo = { id: c.id, customer: c.customer, account, ...(c.sites ? { sites: c.sites } : {}), versions: c.versions };
    contracts.set(c.id, info);
    contractsByCustomer.set(c.customer, [...(contractsByCustomer.get(c.customer) ?? []), info]);
  });
  return { entities, siteEntity, accounts, defaultAccount, contracts, contractsByCustomer };
}
