// The terms a customer is priced on at a site over a period: the site's price list (tariff versions) with
// the customer's contract versions laid over it. The period is cut wherever either changes, at local
// midnights of the site's zone, like a tariff change always was; each piece carries the merged prices,
// the billing account it is invoiced to and how its monthly amounts are prorated. Pure.
import { Decimal } from 'decimal.js';
import { localDateOf, localMidnight, type Period } from '../../../common/local-time.js';
import { detailsOn, type TaxTreatment } from './legal.js';
import type { SiteTariff, TariffVersion, TouWindow } from '../tariffs/tariff.js';
import type { ContractInfo, ContractVersion, Parties, ProrateRule } from './types.js';

type Amount = string | number;

export type Commitment = { kw: Amount } | { perRackKw: Amount };

/** How the terms are taxed: standard (the listed taxes), or a 0 % treatment with its legal ground (legal.ts). */
export interface TermsTax {
  treatment: TaxTreatment;
  exemptionReason?: string;
}

export interface Terms {
  /** Printed on every line it priced and part of the lines' keys: `v2`, `acme-colo/2027`, `acme-colo/2027+v2`. */
  version: string;
  contract?: { id: string; version: string };
  /** The tariff version underneath, when the site's list is used. */
  tariffVersion?: string;
  account: string;
  currency: string;
  energyPricePerKwh: Amount;
  touWindows: TouWindow[];
  overheadFactor: Amount;
  /** How energyPricePerKwh was made from the utility's price, when it was. */
  passThrough?: { utilityPricePerKwh: Amount; overheadFactor: Amount; marginPerKwh: Amount };
  fixedFees: { name: string; amountPerMonth: Amount }[];
  taxes: { name: string; ratePct: Amount }[];
  /** The contract version's treatment, else the billing account's (its details in force when the month is invoiced). */
  tax: TermsTax;
  commitment?: Commitment;
  committedPowerPricePerKw?: Amount;
  overagePricePerKw?: Amount;
  minimumChargePerMonth?: Amount;
  /** validity: monthly amounts by the days the terms apply (the site list's rule); days-held: by the days something was held. */
  prorate: ProrateRule;
}

export interface TermSpan {
  terms: Terms;
  fromMs: number;
  toMs: number;
}

/** No terms for part of the period, or a pass-through without the month's utility price. */
export class PricingError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'PricingError';
  }
}

export interface TermsInput {
  customer: string;
  site: { id: string; timeZone: string; currency: string };
  period: Period;
  tariff: SiteTariff | undefined;
  parties: Parties;
}

const validity = (v: { validFrom: string; validTo?: string | undefined }, zone: string): [number, number] => [
  localMidnight(v.validFrom, zone),
  v.validTo === undefined ? Infinity : localMidnight(v.validTo, zone),
];

/** The customer's contract versions that cover the site, with their contract. */
function contractVersions(input: TermsInput): { contract: ContractInfo; version: ContractVersion }[] {
  const contracts = input.parties.contractsByCustomer.get(input.customer) ?? [];
  return contracts
    .filter((c) => c.sites === undefined || c.sites.includes(input.site.id))
    .flatMap((contract) => contract.versions.map((version) => ({ contract, version })));
}

/** The account's tax treatment in the details in force on the day after the period (when its invoice is issued). */
function accountTax(input: TermsInput, account: string): TermsTax {
  const date = localDateOf(input.period.toMs, input.site.timeZone);
  const d = detailsOn(input.parties.accounts.get(account)?.details, date);
  if (!d || d.taxTreatment === 'standard') return { treatment: 'standard' };
  return { treatment: d.taxTreatment, ...(d.taxExemptionReason !== undefined ? { exemptionReason: d.taxExemptionReason } : {}) };
}

function fromTariff(tv: TariffVersion, account: string, tax: TermsTax): Terms {
  return {
    version: tv.version,
    tariffVersion: tv.version,
    account,
    currency: tv.currency,
    energyPricePerKwh: tv.energyPricePerKwh,
    touWindows: tv.touWindows,
    overheadFactor: tv.overheadFactor,
    fixedFees: tv.fixedFees,
    taxes: tv.taxes,
    tax,
    ...(tv.committedPowerKw !== undefined ? { commitment: { kw: tv.committedPowerKw } } : {}),
    ...(tv.overagePricePerKw !== undefined ? { overagePricePerKw: tv.overagePricePerKw } : {}),
    ...(tv.minimumChargePerMonth !== undefined ? { minimumChargePerMonth: tv.minimumChargePerMonth } : {}),
    prorate: tv.prorate ?? 'validity',
  };
}

/** A contract version over the site's list (or alone, `priceList: own`): what it states wins. */
function withContract(input: TermsInput, contract: ContractInfo, cv: ContractVersion, tv: TariffVersion | undefined): Terms {
  const base: Terms =
    cv.priceList === 'site' && tv
      ? fromTariff(tv, contract.account, accountTax(input, contract.account))
      : {
          version: '',
          account: contract.account,
          currency: input.site.currency,
          energyPricePerKwh: 0,
          touWindows: [],
          overheadFactor: 1,
          fixedFees: [],
          taxes: tv?.taxes ?? [],
          tax: accountTax(input, contract.account),
          prorate: cv.prorate,
        };
  const name = `${contract.id}/${cv.version}`;
  const terms: Terms = {
    ...base,
    version: cv.priceList === 'site' && tv ? `${name}+${tv.version}` : name,
    contract: { id: contract.id, version: cv.version },
    prorate: cv.prorate,
  };
  if (cv.priceList === 'own') delete terms.tariffVersion;
  if (cv.energyPricePerKwh !== undefined) terms.energyPricePerKwh = cv.energyPricePerKwh;
  if (cv.touWindows !== undefined) terms.touWindows = cv.touWindows;
  if (cv.overheadFactor !== undefined) terms.overheadFactor = cv.overheadFactor;
  if (cv.fixedFees !== undefined) terms.fixedFees = cv.fixedFees;
  if (cv.taxes !== undefined) terms.taxes = cv.taxes;
  if (cv.taxTreatment !== undefined)
    terms.tax = {
      treatment: cv.taxTreatment,
      ...(cv.taxExemptionReason !== undefined ? { exemptionReason: cv.taxExemptionReason } : {}),
    };
  if (cv.committedPowerKw !== undefined) terms.commitment = { kw: cv.committedPowerKw };
  if (cv.committedPowerPerRackKw !== undefined) terms.commitment = { perRackKw: cv.committedPowerPerRackKw };
  if (cv.committedPowerPricePerKw !== undefined) terms.committedPowerPricePerKw = cv.committedPowerPricePerKw;
  if (cv.overagePricePerKw !== undefined) terms.overagePricePerKw = cv.overagePricePerKw;
  if (cv.minimumChargePerMonth !== undefined) terms.minimumChargePerMonth = cv.minimumChargePerMonth;
  if (cv.passThrough) {
    const utility = input.tariff?.utilityPrices?.find((u) => u.month === input.period.label);
    if (!utility)
      throw new PricingError(
        `${input.customer}@${input.site.id}: contract "${contract.id}" version "${cv.version}" passes the utility price through, ` +
          `but the tariff of ${input.site.id} has no utility price for ${input.period.label}`,
      );
    const { overheadFactor, marginPerKwh } = cv.passThrough;
    terms.energyPricePerKwh = new Decimal(utility.pricePerKwh).times(overheadFactor).plus(marginPerKwh).toString();
    terms.touWindows = [];
    terms.passThrough = { utilityPricePerKwh: utility.pricePerKwh, overheadFactor, marginPerKwh };
  }
  if (terms.commitment && terms.overagePricePerKw === undefined && terms.committedPowerPricePerKw === undefined)
    throw new PricingError(`${input.customer}@${input.site.id}: "${terms.version}" commits power without an overage or commitment price`);
  return terms;
}

/**
 * The terms over the period, in order and covering it: cut at every tariff and contract version edge
 * inside it, neighbours with the same versions merged. Throws PricingError where nothing prices a stretch.
 */
export function termsOf(input: TermsInput): TermSpan[] {
  const { period, site } = input;
  const zone = site.timeZone;
  const tariffs = (input.tariff?.versions ?? []).map((v) => ({ v, at: validity(v, zone) }));
  const contracts = contractVersions(input).map((c) => ({ ...c, at: validity(c.version, zone) }));
  const cuts = new Set([period.fromMs, period.toMs]);
  for (const { at } of [...tariffs, ...contracts]) for (const t of at) if (t > period.fromMs && t < period.toMs) cuts.add(t);
  const times = [...cuts].sort((a, b) => a - b);
  const spans: TermSpan[] = [];
  const account = input.parties.defaultAccount.get(input.customer) ?? input.customer;
  // A customer whose contract starts or ends inside the period is on the site's list for the rest of it, but
  // its monthly amounts there go by the days it held something, as under a contract: the days before its
  // first rack arrived are not charged. Customers without a contract in the period keep the list's rule.
  const contracted = contracts.some(({ at: [from, to] }) => from < period.toMs && to > period.fromMs);
  let lastKey: string | undefined;
  for (let k = 0; k + 1 < times.length; k++) {
    const [a, b] = [times[k]!, times[k + 1]!];
    const inside = ([from, to]: [number, number]) => from <= a && a < to;
    const tv = tariffs.find((t) => inside(t.at))?.v;
    const c = contracts.find((x) => inside(x.at));
    const own = c?.version.priceList === 'own';
    if (!tv && !own)
      throw new PricingError(
        `${input.customer}@${site.id}: no tariff version covers ${new Date(a).toISOString()} in ${period.label}` +
          (c ? ` (contract "${c.contract.id}" uses the site's price list)` : ''),
      );
    // An own price list does not change with the site's versions: only its own edges cut it.
    const key = `${c ? `${c.contract.id}/${c.version.version}` : ''}|${own ? '' : tv!.version}`;
    const prev = spans[spans.length - 1];
    if (prev && key === lastKey) {
      prev.toMs = b;
      continue;
    }
    const terms = c ? withContract(input, c.contract, c.version, tv) : fromTariff(tv!, account, accountTax(input, account));
    if (!c && contracted) terms.prorate = 'days-held';
    if (terms.currency !== site.currency)
      throw new PricingError(`${input.customer}@${site.id}: "${terms.version}" bills in ${terms.currency}, the site in ${site.currency}`);
    spans.push({ terms, fromMs: a, toMs: b });
    lastKey = key;
  }
  return spans;
}
