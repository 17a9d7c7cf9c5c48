// Tariffs: per site, versioned price lists, each valid over [validFrom, validTo) in the site's local
// dates. Prices are decimals written as strings or numbers and are used exactly as written (billing/money.ts
// rounds only the amounts). Part of the model: config/tariff-load.ts reads the files into it, and the
// operators' tariff edits (model/edits.ts) are checked against the same schema.
import { z } from 'zod';
import { ConfigError, issuesFromZod } from '../../../common/issues.js';
import { localMidnight, parseLocalDate } from '../../../common/local-time.js';
import { MINOR_UNITS } from './currencies.js';

const DECIMAL = /^\d+(\.\d+)?$/;
/** A non-negative decimal: `0.215`, "0.2150". Strings keep every digit a YAML float might not. */
export const Amount = z.union([z.string().regex(DECIMAL, 'a decimal number such as "0.215"'), z.number().nonnegative()]);
export const LocalDate = z.string().refine((s) => {
  try {
    parseLocalDate(s);
    return true;
  } catch {
    return false;
  }
}, 'a date YYYY-MM-DD');
const num = (v: string | number): number => Number(v);

export const TouWindow = z
  .strictObject({
    name: z.string().min(1).describe('shown on the invoice line, e.g. "peak"'),
    days: z.enum(['all', 'weekdays', 'weekends']).describe('weekdays: Monday to Friday, local time'),
    fromHour: z.number().int().min(0).max(23).describe('local hour the window starts (inclusive)'),
    toHour: z
      .number()
      .int()
      .min(1)
      .max(24)
      .describe('local hour the window ends (exclusive; 24 = midnight); split an overnight window in two'),
    pricePerKwh: Amount.describe('price per kWh inside the window, instead of energyPricePerKwh'),
  })
  .refine((w) => w.fromHour < w.toHour, { message: 'fromHour must be before toHour', path: ['toHour'] });
export type TouWindow = z.infer<typeof TouWindow>;

/** Which days a monthly amount is charged for: those something was held at the site, or those the version applies. */
export const PRORATE_RULES = ['days-held', 'validity'] as const;
export type ProrateRule = (typeof PRORATE_RULES)[number];

export const FixedFee = z.strictObject({ name: z.string().min(1), amountPerMonth: Amount });
export const Tax = z.strictObject({ name: z.string().min(1), ratePct: Amount.refine((v) => num(v) <= 100, 'at most 100') });

export const TariffVersion = z
  .strictObject({
    version: z.string().min(1).describe('name of this version, printed on every line it priced'),
    validFrom: LocalDate.describe('first local date it applies'),
    validTo: LocalDate.optional().describe('first local date it no longer applies; absent: until further notice'),
    currency: z
      .string()
      .refine(
        (c) => MINOR_UNITS[c] !== undefined,
        'an ISO 4217 code with a rounding rule (central/model/tariffs/currencies.ts MINOR_UNITS)',
      ),
    energyPricePerKwh: Amount.describe('price per kWh outside any time-of-use window'),
    touWindows: z.array(TouWindow).default([]).describe('time-of-use windows; hours outside all of them use energyPricePerKwh'),
    overheadFactor: Amount.default('1')
      .refine((v) => num(v) >= 1, 'at least 1')
      .describe('PUE or overhead: energy is billed again × (factor - 1) as overhead'),
    fixedFees: z.array(FixedFee).default([]).describe('monthly fees, prorated by days of validity'),
    committedPowerKw: Amount.optional().describe('committed power; the peak 15-minute demand above it is overage'),
    overagePricePerKw: Amount.optional().describe('price per kW of peak demand above the commitment, per month'),
    minimumChargePerMonth: Amount.optional().describe('pre-tax minimum per month; a shortfall is topped up'),
    prorate: z
      .enum(PRORATE_RULES)
      .optional()
      .describe(
        'fees, commitment and minimum by the days the version applies (validity, the default) ' +
          'or by the days the customer held something at the site (days-held)',
      ),
    taxes: z.array(Tax).default([]).describe('each applies to the pre-tax amount of every line'),
  })
  .superRefine((v, ctx) => {
    if (v.validTo !== undefined && !(v.validTo > v.validFrom))
      ctx.addIssue({ code: 'custom', path: ['validTo'], message: 'must be after validFrom' });
    if (v.committedPowerKw !== undefined && v.overagePricePerKw === undefined)
      ctx.addIssue({ code: 'custom', path: ['overagePricePerKw'], message: 'needed with committedPowerKw' });
    const names = new Set<string>();
    const cells = new Map<string, string>();
    const clashes = new Set<string>();
    v.touWindows.forEach((w, i) => {
      if (names.has(w.name) || w.name === STANDARD_WINDOW)
        ctx.addIssue({ code: 'custom', path: ['touWindows', i, 'name'], message: `"${w.name}" is used already` });
      names.add(w.name);
      for (const day of windowDays(w.days)) {
        for (let h = w.fromHour; h < w.toHour; h++) {
          const other = cells.get(`${day}:${h}`);
          if (other !== undefined && !clashes.has(`${other}/${w.name}`)) {
            clashes.add(`${other}/${w.name}`); // once per pair of windows, at the first hour they share
            ctx.addIssue({ code: 'custom', path: ['touWindows', i], message: `overlaps "${other}" on ISO weekday ${day} at ${h}:00` });
          }
          cells.set(`${day}:${h}`, w.name);
        }
      }
    });
  });
export type TariffVersion = z.infer<typeof TariffVersion>;

/** What the utility charged per kWh in a month at this site: the base of pass-through contracts. */
export const UtilityPrice = z.strictObject({
  month: z
    .string()
    .regex(/^\d{4}-(0[1-9]|1[0-2])$/, 'a month YYYY-MM')
    .describe("the site's local month"),
  pricePerKwh: Amount.describe('price per kWh the utility charged that month'),
});
export type UtilityPrice = z.infer<typeof UtilityPrice>;

export const SiteTariff = z
  .strictObject({
    site: z.string().min(1),
    versions: z.array(TariffVersion).min(1).describe('in order of validFrom, not overlapping, all in one currency'),
    utilityPrices: z
      .array(UtilityPrice)
      .optional()
      .describe("the utility's energy price per month, for contracts priced as a pass-through (model/contracts/)"),
  })
  .superRefine((t, ctx) => {
    t.versions.forEach((v, i) => {
      const prev = t.versions[i - 1];
      if (!prev) return;
      if (v.currency !== prev.currency)
        ctx.addIssue({
          code: 'custom',
          path: ['versions', i, 'currency'],
          message: `a site bills in one currency (${prev.currency} before)`,
        });
      if (prev.validTo === undefined || v.validFrom < prev.validTo)
        ctx.addIssue({ code: 'custom', path: ['versions', i, 'validFrom'], message: `overlaps version "${prev.version}"` });
    });
    // One price per month: a month's price may have been invoiced, so a correction is not a second entry.
    const months = new Map<string, number>();
    t.utilityPrices?.forEach((p, i) => {
      const prev = months.get(p.month);
      if (prev !== undefined)
        ctx.addIssue({
          code: 'custom',
          path: ['utilityPrices', i, 'month'],
          message: `${p.month} is priced already (utilityPrices[${prev}])`,
        });
      else months.set(p.month, i);
    });
  });
export type SiteTariff = z.infer<typeof SiteTariff>;

/** Site id to its tariff. */
export type TariffBook = ReadonlyMap<string, SiteTariff>;

/** The name of the hours outside every time-of-use window. */
export const STANDARD_WINDOW = 'standard';

export function windowDays(days: TouWindow['days']): number[] {
  return days === 'all' ? [1, 2, 3, 4, 5, 6, 7] : days === 'weekdays' ? [1, 2, 3, 4, 5] : [6, 7];
}

/** Parses a tariff file's content; every problem at once, as `file: path: message`. */
export function parseSiteTariff(file: string, data: unknown): SiteTariff {
  const r = SiteTariff.safeParse(data);
  if (!r.success) throw new ConfigError(issuesFromZod(file, r.error));
  return r.data;
}

/** A version's share of a period: where it applies, in instants and in whole local days. */
export interface VersionSpan {
  version: TariffVersion;
  fromMs: number;
  toMs: number;
  days: number;
}

/** The versions that apply within [fromMs, toMs) in the zone, clipped to it, in order. */
export function versionsIn(versions: readonly TariffVersion[], fromMs: number, toMs: number, timeZone: string): VersionSpan[] {
  const spans: VersionSpan[] = [];
  for (const v of versions) {
    const a = Math.max(fromMs, localMidnight(v.validFrom, timeZone));
    const b = Math.min(toMs, v.validTo === undefined ? Infinity : localMidnight(v.validTo, timeZone));
    if (a < b) spans.push({ version: v, fromMs: a, toMs: b, days: 0 });
  }
  return spans.sort((x, y) => x.fromMs - y.fromMs);
}
