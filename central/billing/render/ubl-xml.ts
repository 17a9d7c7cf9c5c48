// The few ways ubl*.ts writes UBL elements with xmlbuilder2: a basic (cbc) element only when it has a
// value, since Peppol refuses empty elements (PEPPOL-EN16931-R008), an aggregate (cac) element, an amount
// in the document's currency (every currencyID = BT-5, R051). Nothing is written by concatenating strings.
import type { XMLBuilder } from 'xmlbuilder2/lib/interfaces.js';
import { NS } from './ubl-model.js';

export type XmlNode = XMLBuilder;

/**
 * Characters XML 1.0 cannot carry at all, even escaped (control characters, lone surrogates, U+FFFE/FFFF):
 * xmlbuilder2 would write them as they are and the document would not parse.
 */
const NOT_XML = /[^\t\n\r\u0020-\uD7FF\uE000-\uFFFD\u{10000}-\u{10FFFF}]/gu;

/** A cbc element with text, or nothing when the value is absent or empty. Returns the parent, to chain. */
export function cbc(parent: XmlNode, name: string, value: string | undefined, attrs?: Record<string, string>): XmlNode {
  const clean = value?.replace(NOT_XML, '');
  if (clean === undefined || clean.trim() === '') return parent;
  parent.ele(NS.cbc, `cbc:${name}`, attrs).txt(clean);
  return parent;
}

/** A cac element; returns the new element. */
export const cac = (parent: XmlNode, name: string): XmlNode => parent.ele(NS.cac, `cac:${name}`);

/** An amount with its currency. */
export const amount = (parent: XmlNode, name: string, value: string, currency: string): XmlNode =>
  cbc(parent, name, value, { currencyID: currency });

/** `cac:TaxScheme/cbc:ID` = VAT: the only tax scheme EN 16931 knows (GST is VAT here too). */
export function vatScheme(parent: XmlNode): void {
  cbc(cac(parent, 'TaxScheme'), 'ID', 'VAT');
}
