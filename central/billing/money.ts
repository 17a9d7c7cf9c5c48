// Money and quantities in decimal arithmetic, and THE rounding rules of every invoice and note. Nothing
// else in billing rounds; it calls these.
//
// 1. Energy (kWh) and demand (kW) quantities round to 0.001, half away from zero, per line, before they
//    are priced: the quantity printed is the quantity priced. Overhead kWh are computed from the rounded
//    energy quantity of their line, then rounded the same way.
// 2. Prices and rates are used exactly as written in the tariff.
// 3. A line's amount = quantity × unit price (× days / days in the period when prorated), rounded once
//    to the currency's minor unit (MINOR_UNITS), half away from zero.
// 4. The subtotal is the sum of the rounded line amounts (exact, nothing to round).
// 5. Each tax = (sum of the rounded amounts it applies to) × its rate, rounded once to the minor unit;
//    one tax line per tax name and rate.
// 6. Total = subtotal + taxes. A credit or debit note's lines are the differences of rounded amounts,
//    so a note never rounds again and invoice + notes = the recomputed invoice to the cent.
import { Decimal } from 'decimal.js';

/** Decimal with enough precision for any invoice and commercial rounding (half away from zero). */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;
export type DecimalInput = string | number | Dec;

/** ISO 4217 minor units of the currencies a tariff may use. A currency missing here is refused by the tariff schema. */
export const MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  EUR: 2, USD: 2, GBP: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, HUF: 2, RON: 2,
  SGD: 2, HKD: 2, AUD: 2, NZD: 2, CAD: 2, CNY: 2, INR: 2, MYR: 2, THB: 2, ZAR: 2, AED: 2, BRL: 2, MXN: 2,
  JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
});

export const QUANTITY_DECIMALS = 3;

export function minorUnits(currency: string): number {
  const n = MINOR_UNITS[currency];
  if (n === undefined) throw new RangeError(`currency ${currency} has no rounding rule (MINOR_UNITS)`);
  return n;
}

export const dec = (v: DecimalInput): Dec => new Dec(v);

/** Rule 1: a kWh or kW quantity as priced. */
export const roundQuantity = (v: DecimalInput): Dec => dec(v).toDecimalPlaces(QUANTITY_DECIMALS);

/** Rules 3 and 5: an amount in the currency's minor unit. */
export const roundMoney = (v: DecimalInput, currency: string): Dec => dec(v).toDecimalPlaces(minorUnits(currency));

/** An amount as written on an invoice: fixed minor-unit decimals ("12.30", "1500"). */
export const formatMoney = (v: DecimalInput, currency: string): string => roundMoney(v, currency).toFixed(minorUnits(currency));

export const formatQuantity = (v: DecimalInput): string => roundQuantity(v).toFixed(QUANTITY_DECIMALS);

export const sumDec = (items: readonly DecimalInput[]): Dec => items.reduce<Dec>((s, v) => s.plus(v), dec(0));
