// How a line's quantity prints in every output (PDF, CSV, notes): the unit's fixed decimals, so a column of
// kWh lines up and "4088.5" never appears beside "4088.500". kWh and kW carry the 0.001 they are priced at
// (money.ts rule 1); a month count (1, 0.5 of a month) the same three places; an amount quantity (a tax
// line's taxable base, a minimum top-up's one lump) the currency's minor unit. The JSON keeps the draft's
// decimal strings as stored. Printing only: the amounts were computed from the quantity as stored.
import { dec, minorUnits, QUANTITY_DECIMALS, type DecimalInput } from '../money.js';
import type { LineUnit } from '../types.js';

/** The decimals a quantity in `unit` prints with (money: the currency's minor unit). */
export function quantityDecimals(unit: LineUnit, currency: string): number {
  return unit === 'amount' ? minorUnits(currency) : QUANTITY_DECIMALS;
}

/**
 * A quantity with its unit's fixed decimals ("4088.500" kWh, "1.000" month, "4088.50" EUR), rounded half
 * away from zero. `signed`: a difference, "+12.500" or "-12.500" ("0.000" unsigned). Never "-0.000".
 */
export function formatQuantity(value: DecimalInput, unit: LineUnit, currency: string, o: { signed?: boolean } = {}): string {
  const places = quantityDecimals(unit, currency);
  const v = dec(value).toDecimalPlaces(places);
  if (v.isZero()) return dec(0).toFixed(places);
  const text = v.toFixed(places);
  return o.signed && v.isPositive() ? `+${text}` : text;
}

/** A quantity and its unit as a table cell: "4088.500 kWh", "1.000 month"; an amount quantity without a unit. */
export function quantityWithUnit(value: DecimalInput, unit: LineUnit, currency: string, o: { signed?: boolean } = {}): string {
  const q = formatQuantity(value, unit, currency, o);
  return unit === 'amount' ? q : `${q} ${unit}`;
}
