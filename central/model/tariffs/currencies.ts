// The currencies a tariff may bill in, with their ISO 4217 minor units: the tariff schema refuses any
// other, and billing/money.ts rounds every amount to these.

/** ISO 4217 minor units of the currencies a tariff may use. A currency missing here is refused by the tariff schema. */
export const MINOR_UNITS: Readonly<Record<string, number>> = Object.freeze({
  EUR: 2, USD: 2, GBP: 2, CHF: 2, SEK: 2, NOK: 2, DKK: 2, PLN: 2, CZK: 2, HUF: 2, RON: 2,
  SGD: 2, HKD: 2, AUD: 2, NZD: 2, CAD: 2, CNY: 2, INR: 2, MYR: 2, THB: 2, ZAR: 2, AED: 2, BRL: 2, MXN: 2,
  JPY: 0, KRW: 0, ISK: 0, CLP: 0, VND: 0,
  BHD: 3, KWD: 3, OMR: 3, JOD: 3, TND: 3,
});
