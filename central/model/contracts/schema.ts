// Who invoices, who is invoiced and on which terms: issuing entities (the colocator's companies, each
// invoicing some sites), billing accounts (the legal customer an invoice goes to) and customer contracts,
// versioned and effective-dated like tariffs (a new version from a local date, never an edit of one that
// was invoiced). The inventory files carry them (config/inventory-schema.ts embeds these schemas) and the
// operators add versions through the API, checked against the same schemas. Without any of them every
// customer pays its site's price list and every site invoices alone, as before contracts existed.
import { z } from 'zod';
import { isTimeZone } from '../../../common/local-time.js';
import { Id } from '../assignment-schema.js';
import { Amount, FixedFee, LocalDate, PRORATE_RULES, Tax, TouWindow } from '../tariffs/tariff.js';
import { AccountDetails, EntityDetails, TaxTreatmentField, versionsInOrder } from './legal.js';

export const Entity = z
  .strictObject({
    id: Id.describe("the colocator's company that issues invoices; its id upper-cased prefixes their numbers (NL-BV-2026-000001)"),
    name: z.string().min(1).describe('legal name'),
    timeZone: z
      .string()
      .refine(isTimeZone, 'not an IANA time zone (e.g. Europe/Amsterdam)')
      .optional()
      .describe('the zone of its issue dates and numbering year; default: the zone of its first site'),
    details: z
      .array(EntityDetails)
      .min(1)
      .optional()
      .describe('legal details from a date on (address, VAT id, bank); with them its invoices carry what EU law requires and e-invoices'),
  })
  .superRefine((e, ctx) => versionsInOrder(e.details ?? [], ctx, ['details']));
export type Entity = z.infer<typeof Entity>;

export const Account = z
  .strictObject({
    id: Id.describe('billing account: the legal customer an invoice goes to; unique across accounts and customers without accounts'),
    customer: Id.describe('the customer whose equipment it pays for (an account belongs to one customer)'),
    name: z.string().min(1).describe('legal name printed on the invoice'),
    externalRef: z.string().optional().describe("the account's id in the finance system"),
    details: z.array(AccountDetails).min(1).optional().describe('legal details from a date on (address, VAT id, Peppol id, tax treatment)'),
  })
  .superRefine((a, ctx) => versionsInOrder(a.details ?? [], ctx, ['details']));
export type Account = z.infer<typeof Account>;

export { PRORATE_RULES, type ProrateRule } from '../tariffs/tariff.js';

const PassThrough = z.strictObject({
  overheadFactor: Amount.default('1').describe("multiplies the utility's price per kWh (PUE, losses)"),
  marginPerKwh: Amount.default('0').describe('added per kWh after the factor'),
});

export const ContractVersion = z
  .strictObject({
    version: z.string().min(1).describe('name of this version, printed on every line it priced'),
    validFrom: LocalDate.describe("first local date it applies (in each site's zone)"),
    validTo: LocalDate.optional().describe('first local date it no longer applies; absent: until further notice'),
    priceList: z
      .enum(['site', 'own'])
      .default('site')
      .describe("site: the site's price list with the overrides below; own: only what this version says"),
    energyPricePerKwh: Amount.optional().describe('negotiated price per kWh'),
    touWindows: z.array(TouWindow).optional().describe("negotiated time-of-use windows (replace the list's)"),
    overheadFactor: Amount.optional().describe('negotiated PUE or overhead factor (at least 1)'),
    passThrough: PassThrough.optional().describe("price per kWh = the site's utility price of the month × overheadFactor + marginPerKwh"),
    committedPowerKw: Amount.optional().describe('committed power of the contract at each site'),
    committedPowerPerRackKw: Amount.optional().describe('committed power per rack held: follows racks moving in and out'),
    committedPowerPricePerKw: Amount.optional().describe('monthly charge per committed kW'),
    overagePricePerKw: Amount.optional().describe('price per kW of 15-minute peak demand above the commitment, per month'),
    minimumChargePerMonth: Amount.optional().describe('pre-tax minimum per month per site; a shortfall is topped up'),
    fixedFees: z.array(FixedFee).optional().describe("monthly fees (cross-connects, remote hands); replace the list's"),
    taxes: z.array(Tax).optional().describe("the taxes that apply under a standard treatment (replace the list's; [] for none)"),
    taxTreatment: TaxTreatmentField.optional().describe("overrides the billing account's tax treatment while this version applies"),
    taxExemptionReason: z.string().min(1).optional().describe('the legal ground printed with an exempt treatment'),
    prorate: z
      .enum(PRORATE_RULES)
      .default('days-held')
      .describe('days-held: fees, commitment and minimum by the days a rack or point was held; validity: by the days the version applies'),
  })
  .superRefine((v, ctx) => {
    const num = (a: string | number | undefined) => (a === undefined ? undefined : Number(a));
    if (v.validTo !== undefined && !(v.validTo > v.validFrom))
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom' });
    if (v.committedPowerKw !== undefined && v.committedPowerPerRackKw !== undefined)
      ctx.addIssue({ code: 'custom', path: ['committedPowerPerRackKw'], message: 'either committedPowerKw or committedPowerPerRackKw' });
    if ((num(v.overheadFactor) ?? 1) < 1) ctx.addIssue({ code: 'custom', path: ['overheadFactor'], message: 'at least 1' });
    if (v.passThrough !== undefined && (v.energyPricePerKwh !== undefined || v.touWindows !== undefined))
      ctx.addIssue({ code: 'custom', path: ['passThrough'], message: 'a pass-through price replaces energyPricePerKwh and touWindows' });
    if (v.taxTreatment === 'exempt' && v.taxExemptionReason === undefined)
      ctx.addIssue({ code: 'custom', path: ['taxExemptionReason'], message: 'an exempt treatment needs its legal ground' });
    if (v.priceList === 'own' && v.energyPricePerKwh === undefined && v.passThrough === undefined)
      ctx.addIssue({ code: 'custom', path: ['energyPricePerKwh'], message: 'an own price list needs energyPricePerKwh or passThrough' });
  });
export type ContractVersion = z.infer<typeof ContractVersion>;

export const Contract = z
  .strictObject({
    id: Id.describe('contract id; every version of it carries the same id'),
    customer: Id,
    account: Id.optional().describe("billing account it is invoiced to; default: the customer's first account (or the customer)"),
    sites: z.array(Id).min(1).optional().describe('the sites it covers; default: every site'),
    versions: z.array(ContractVersion).min(1).describe('in order of validFrom, not overlapping'),
  })
  .superRefine((c, ctx) => {
    c.versions.forEach((v, i) => {
      const prev = c.versions[i - 1];
      if (prev && (prev.validTo === undefined || v.validFrom < prev.validTo))
        ctx.addIssue({ code: 'custom', path: ['versions', i, 'validFrom'], message: `overlaps version "${prev.version}"` });
    });
  });
export type Contract = z.infer<typeof Contract>;

/**
 * An operator's contract edit (POST /contracts): the first version of a new contract, or the next version
 * of one. What a contract says besides its versions holds for all of them, so an edit may repeat it but
 * not change it (another customer, account or sites is another contract).
 */
export const ContractEdit = z.strictObject({
  contract: Id.describe('contract id: a new id starts a contract, an existing one gets the next version'),
  customer: Id.optional().describe("needed for a new contract; for an existing one, if given, must be the contract's"),
  account: Id.optional().describe("a new contract's billing account; for an existing one, if given, must be the contract's"),
  sites: z.array(Id).min(1).optional().describe("a new contract's sites; for an existing one, if given, must be the contract's"),
  version: ContractVersion.describe("valid from its validFrom (after the latest version's); the version before it ends there"),
});
export type ContractEdit = z.infer<typeof ContractEdit>;
