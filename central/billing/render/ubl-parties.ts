// Seller (BG-4) and buyer (BG-7) of an e-invoice, from the legal details the draft copied when it was
// computed, and the checks that they are enough for Peppol BIS 3.0: an electronic address for both, the
// seller's VAT id, the buyer's address, the Dutch rules when the seller is Dutch and the German ones
// between German parties. A missing
// detail is refused with its name, so an operator knows what to add to the inventory.
// Facts: ../shared/reference/invoicing.md C3, C4, C6.
import type { PostalAddress } from '../../model/contracts/legal.js';
import type { BuyerParty, DraftParties, SellerParty, VatCategory } from '../types.js';
import { UblDataError } from './ubl-model.js';
import { cac, cbc, vatScheme, type XmlNode } from './ubl-xml.js';

/** Legal entity schemes the Dutch rules accept: KvK and OIN (NL-R-003, NL-R-005). */
const NL_REGISTRATION_SCHEMES = new Set(['0106', '0190']);

/**
 * Peppol's electronic address schemes are four-digit codes (PEPPOL-EN16931-CL008); EM (e-mail), which
 * the inventory's schema still accepts, is not in BIS 3.0.19's list.
 */
const EAS = /^[0-9]{4}$/;

const isNl = (a: PostalAddress | undefined): boolean => a?.country === 'NL';

function checkEndpoint(who: string, e: SellerParty['endpoint']): void {
  if (!e) throw new UblDataError(`the ${who} has no Peppol electronic address (endpoint: scheme and id)`);
  if (!EAS.test(e.scheme)) throw new UblDataError(`the ${who}'s electronic address scheme ${e.scheme} is not one Peppol accepts (EAS)`);
}

function checkNlAddress(who: string, a: PostalAddress): void {
  if (!a.street || !a.city || !a.postalCode)
    throw new UblDataError(`the ${who}'s address needs a street, city and postal code (Dutch rule NL-R-002/NL-R-004)`);
}

/** Refuses parties an EN 16931 / Peppol receiver would reject, naming what is missing. */
export function checkParties(p: DraftParties, categories: ReadonlySet<VatCategory>): void {
  const { seller, buyer } = p;
  checkEndpoint('issuing entity', seller.endpoint);
  checkEndpoint('billing account', buyer.endpoint);
  // BR-S-02, BR-Z-02, BR-AE-02, BR-G-02, BR-E-02: every category we invoice in needs the seller's VAT id.
  if (!seller.vatId) throw new UblDataError('the issuing entity has no VAT id (BT-31)');
  if (!buyer.address) throw new UblDataError('the billing account has no address (BG-8; at least its country)');
  if (categories.has('AE') && !buyer.vatId && !buyer.registration)
    throw new UblDataError('reverse charge needs the billing account’s VAT id (BT-48) or registration (BR-AE-02)');
  if (isNl(seller.address)) {
    checkNlAddress('issuing entity', seller.address);
    if (isNl(buyer.address)) checkNlAddress('billing account', buyer.address);
  }
  if (seller.address.country === 'DE' && buyer.address.country === 'DE') checkGerman(seller, buyer);
}

/** Between two German parties (XRechnung's rules in BIS 3.0): a full seller contact, cities and post codes, a payment means. */
function checkGerman(seller: SellerParty, buyer: BuyerParty): void {
  const c = seller.contact;
  if (!c?.name || !c.phone || !c.email)
    throw new UblDataError('between German parties the issuing entity needs a contact name, telephone and e-mail (DE-R-002, DE-R-005…007)');
  for (const [who, a] of [
    ['issuing entity', seller.address],
    ['billing account', buyer.address!],
  ] as const)
    if (!a.city || !a.postalCode)
      throw new UblDataError(`between German parties the ${who}'s address needs a city and post code (DE-R-003/004/008/009)`);
  if (!seller.bank)
    throw new UblDataError('between German parties the issuing entity must state a means of payment: a bank account (DE-R-001)');
}

function address(parent: XmlNode, a: PostalAddress): void {
  const el = cac(parent, 'PostalAddress');
  cbc(el, 'StreetName', a.street);
  cbc(el, 'AdditionalStreetName', a.additionalStreet);
  cbc(el, 'CityName', a.city);
  cbc(el, 'PostalZone', a.postalCode);
  cbc(el, 'CountrySubentity', a.region);
  cbc(cac(el, 'Country'), 'IdentificationCode', a.country);
}

/** BT-30/BT-47 as the Dutch rules want it when they apply: KvK or OIN, else left out (it is optional). */
function registrationOf(r: SellerParty['registration'], nlRules: boolean): SellerParty['registration'] {
  if (!r) return undefined;
  if (nlRules && !NL_REGISTRATION_SCHEMES.has(r.scheme ?? '')) return undefined;
  return r;
}

interface PartyFields {
  endpoint: NonNullable<SellerParty['endpoint']>;
  tradingName?: string;
  address: PostalAddress;
  vatId?: string;
  legalName: string;
  registration?: SellerParty['registration'];
  contact?: SellerParty['contact'];
}

/** One party in BIS 3.0's order (C3): EndpointID, PartyName, PostalAddress, PartyTaxScheme, PartyLegalEntity, Contact. */
function party(parent: XmlNode, wrapper: string, f: PartyFields): void {
  const el = cac(cac(parent, wrapper), 'Party');
  cbc(el, 'EndpointID', f.endpoint.id, { schemeID: f.endpoint.scheme });
  if (f.tradingName) cbc(cac(el, 'PartyName'), 'Name', f.tradingName);
  address(el, f.address);
  if (f.vatId) {
    const tax = cac(el, 'PartyTaxScheme');
    cbc(tax, 'CompanyID', f.vatId);
    vatScheme(tax);
  }
  const legal = cac(el, 'PartyLegalEntity');
  cbc(legal, 'RegistrationName', f.legalName);
  if (f.registration) cbc(legal, 'CompanyID', f.registration.id, f.registration.scheme ? { schemeID: f.registration.scheme } : undefined);
  const c = f.contact;
  if (c && (c.name || c.phone || c.email)) {
    const el2 = cac(el, 'Contact');
    cbc(el2, 'Name', c.name);
    cbc(el2, 'Telephone', c.phone);
    cbc(el2, 'ElectronicMail', c.email);
  }
}

/** AccountingSupplierParty and AccountingCustomerParty; checkParties must have passed. */
export function writeParties(parent: XmlNode, p: DraftParties): void {
  const s: SellerParty = p.seller;
  const b: BuyerParty = p.buyer;
  const nlSeller = isNl(s.address);
  party(parent, 'AccountingSupplierParty', {
    endpoint: s.endpoint!,
    ...(s.tradingName ? { tradingName: s.tradingName } : {}),
    address: s.address,
    ...(s.vatId ? { vatId: s.vatId } : {}),
    legalName: s.legalName,
    registration: registrationOf(s.registration, nlSeller),
    ...(s.contact ? { contact: s.contact } : {}),
  });
  const email = b.contact?.email ?? b.email;
  party(parent, 'AccountingCustomerParty', {
    endpoint: b.endpoint!,
    address: b.address!,
    ...(b.vatId ? { vatId: b.vatId } : {}),
    legalName: b.legalName,
    registration: registrationOf(b.registration, nlSeller && isNl(b.address)),
    contact: { ...b.contact, ...(email ? { email } : {}) },
  });
}
