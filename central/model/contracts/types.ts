// The commercial side of the model as billing reads it: who issues the invoices of a site, which account
// a customer's invoice goes to, and the customers' contracts. Built by contracts/resolve.ts; every site has
// an entity and every customer a default account, written or implied (a site invoices alone, a customer is
// its own account), so billing never has to ask whether contracts are configured.
import type { AccountDetails, EntityDetails } from './legal.js';
import type { ContractVersion } from './schema.js';

export type { ContractVersion, ProrateRule } from './schema.js';
export type { AccountDetails, EntityDetails, TaxTreatment } from './legal.js';

export interface EntityInfo {
  id: string;
  name: string;
  /** Zone of issue dates and of the numbering year. */
  timeZone: string;
  /** The sites it invoices, in inventory order. */
  sites: readonly string[];
  /** A site with no `entity:` is an entity of its own, with the site's id and name. */
  implied: boolean;
  /** Legal details from dates on (legal.ts); none: invoices print names only and no e-invoices are made. */
  details?: readonly EntityDetails[];
}

export interface AccountInfo {
  id: string;
  customer: string;
  name: string;
  externalRef?: string;
  /** A customer with no account written is its own account, with the customer's id and name. */
  implied: boolean;
  details?: readonly AccountDetails[];
}

export interface ContractInfo {
  id: string;
  customer: string;
  /** Resolved: the contract's account or the customer's default one. */
  account: string;
  /** undefined: every site. */
  sites?: readonly string[];
  versions: readonly ContractVersion[];
}

export interface Parties {
  entities: ReadonlyMap<string, EntityInfo>;
  /** Site id to the id of the entity that invoices it. */
  siteEntity: ReadonlyMap<string, string>;
  accounts: ReadonlyMap<string, AccountInfo>;
  /** Customer id to its default account: its first account written, or itself. */
  defaultAccount: ReadonlyMap<string, string>;
  contracts: ReadonlyMap<string, ContractInfo>;
  /** Customer id to its contracts, in inventory order. */
  contractsByCustomer: ReadonlyMap<string, readonly ContractInfo[]>;
}

/** No entities, accounts or contracts: every customer on its site's list (pricing without a model). */
export const NO_PARTIES: Parties = {
  entities: new Map(),
  siteEntity: new Map(),
  accounts: new Map(),
  defaultAccount: new Map(),
  contracts: new Map(),
  contractsByCustomer: new Map(),
};
