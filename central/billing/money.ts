// Money and quantities in decimal arithmetic, and THE rounding rules of every invoice and note. Nothing
// else in billing rounds; it calls these.
//
// 1. Energy (kWh) and demand (kW) quantities round to 0.001, half away from zero, per line, before they
//    are priced: the quantity printed is the quantity priced. Overhead kWh are computed from the rounded
//    energy quantity of their line, then rounded the same way.
// 2. Prices and rates are used exactly as written in the tariff.
// 3. A line's amount = quantity × unit price (× days / days in the period when prorated), rounded once
//    to the currency's minor unit (MINOR_UNITS, model/tariffs/currencies.ts), half away from zero.
// 4. The subtotal is the sum of the rounded line amounts (exact, nothing to round).
// 5. Each tax = (sum of the rounded amounts it applies to) × its rate, rounded once to the minor unit;
//    one tax line per tax name and rate.
// 6. Total = subtotal + taxes. A credit or debit note's lines are the differences of rounded amounts,
//    so a note never rounds again and invoice + notes = the recomputed invoice to the cent.
import { Decimal } from 'decimal.js';
import { MINOR_UNITS } from '../model/tariffs/currencies.js';

/** Decimal with enough precision for any invoice and commercial rounding (half away from zero). */
export const Dec = Decimal.clone({ precision: 40, rounding: Decimal.ROUND_HALF_UP });
export type Dec = InstanceType<typeof Dec>;
export type DecimalInput = string | number | Dec;

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
