// The legal side of the parties, as an EU invoice must print it (VAT Directive art. 226) and an EN 16931
// e-invoice must carry it: names, postal addresses, VAT and registration ids, the seller's bank account,
// Peppol electronic addresses, payment terms and the buyer's tax treatment. Versioned: an entity or account
// lists `details` from a local date on (a company moves, changes bank, gets a VAT id), and an invoice takes
// the version in force on the day after its month (when it is issued), copied into the draft so a final
// invoice never changes when the inventory does. Facts: ../shared/reference/invoicing.md B1, C3–C6.
import { z } from 'zod';
import { LocalDate } from '../tariffs/tariff.js';

const Country = z
  .string()
  .regex(/^[A-Z]{2}$/, 'an ISO 3166-1 alpha-2 country code (NL, DE, SG)')
  .describe('ISO 3166-1 alpha-2 country code');

export const PostalAddress = z.strictObject({
  street: z.string().min(1).optional(),
  additionalStreet: z.string().min(1).optional(),
  city: z.string().min(1).optional(),
  postalCode: z.string().min(1).optional(),
  region: z.string().min(1).optional(),
  country: Country,
});
export type PostalAddress = z.infer<typeof PostalAddress>;

/** A Peppol electronic address (BT-34/BT-49): scheme from the EAS code list (0106 KvK, 0208 BE, 9944 NL VAT); Peppol takes no e-mail. */
export const ElectronicAddress = z.strictObject({
  scheme: z.string().regex(/^[0-9]{4}$/, 'an EAS code of four digits (0106, 0208, 9944)'),
  id: z.string().min(1),
});
export type ElectronicAddress = z.infer<typeof ElectronicAddress>;

/** A registration id (BT-30/BT-47): the chamber of commerce number, with its ICD scheme where known (0106 KvK). */
export const Registration = z.strictObject({
  id: z.string().min(1),
  scheme: z
    .string()
    .regex(/^[0-9]{4}$/, 'an ISO 6523 ICD code (0106, 0208)')
    .optional(),
});
export type Registration = z.infer<typeof Registration>;

/** A VAT id with its country prefix (EL for Greece), as BR-CO-09 requires. */
const VatId = z.string().regex(/^[A-Z]{2}[0-9A-Za-z+*.]{2,13}$/, 'a VAT id with its country prefix (NL123456789B01)');

const Contact = z.strictObject({
  name: z.string().min(1).optional(),
  email: z.string().email().optional(),
  phone: z.string().min(1).optional(),
});

const PaymentTermsDays = z.number().int().min(0).max(365);

export const EntityDetails = z.strictObject({
  validFrom: LocalDate.describe('first local date these details are printed on invoices issued'),
  legalName: z.string().min(1).describe('registered name (BT-27)'),
  tradingName: z.string().min(1).optional().describe('trading name, when it differs (BT-28)'),
  address: PostalAddress.describe('registered address (BG-5)'),
  vatId: VatId.optional().describe('VAT identification number (BT-31); needed for any VAT treatment'),
  registration: Registration.optional().describe('company registration (BT-30), e.g. KvK with scheme 0106'),
  bank: z
    .strictObject({
      iban: z
        .string()
        .regex(/^[A-Z]{2}[0-9]{2}[0-9A-Z]{10,30}$/, 'an IBAN without spaces')
        .describe('BT-84'),
      bic: z
        .string()
        .regex(/^[A-Z0-9]{8}([A-Z0-9]{3})?$/, 'a BIC of 8 or 11 characters')
        .optional()
        .describe('BT-86'),
      accountName: z.string().min(1).optional(),
    })
    .optional()
    .describe('where invoices are paid (SEPA credit transfer)'),
  paymentTermsDays: PaymentTermsDays.default(30).describe('days from the issue date to the due date, unless the account says otherwise'),
  endpoint: ElectronicAddress.optional().describe('Peppol electronic address (BT-34); e-invoices need it'),
  contact: Contact.optional(),
  footer: z.string().min(1).optional().describe('printed at the foot of every page (registered office, court of registration)'),
  logo: z.string().min(1).optional().describe('PNG or JPEG printed at the top of the PDF (path relative to the inventory file)'),
});
export type EntityDetails = z.infer<typeof EntityDetails>;

export const TAX_TREATMENTS = ['standard', 'reverse-charge', 'export', 'exempt'] as const;
export type TaxTreatment = (typeof TAX_TREATMENTS)[number];

export const TaxTreatmentField = z
  .enum(TAX_TREATMENTS)
  .describe(
    'standard: the taxes of the price list; reverse-charge: an EU business in another member state pays the VAT (0 %, both VAT ids); ' +
      'export: a customer outside the EU (0 %); exempt: 0 % with taxExemptionReason',
  );

export const AccountDetails = z
  .strictObject({
    validFrom: LocalDate.describe('first local date these details are printed on invoices issued'),
    legalName: z.string().min(1).describe('registered name (BT-44)'),
    address: PostalAddress.optional().describe('registered address (BG-8); e-invoices need at least its country'),
    vatId: VatId.optional().describe("buyer's VAT id (BT-48); required for reverse charge"),
    registration: Registration.optional().describe('company registration (BT-47)'),
    endpoint: ElectronicAddress.optional().describe('Peppol electronic address (BT-49)'),
    purchaseOrder: z.string().min(1).optional().describe('purchase-order reference printed on its invoices (BT-13)'),
    buyerReference: z.string().min(1).optional().describe("the buyer's reference (BT-10; Leitweg-ID for German public bodies)"),
    email: z.string().email().optional().describe('where invoices are sent'),
    language: z
      .string()
      .regex(/^[a-z]{2}$/, 'an ISO 639-1 code (en, nl, de)')
      .optional(),
    paymentTermsDays: PaymentTermsDays.optional().describe("overrides the entity's payment terms"),
    taxTreatment: TaxTreatmentField.default('standard'),
    taxExemptionReason: z.string().min(1).optional().describe('the legal ground printed with an exempt treatment'),
    contact: Contact.optional(),
  })
  .superRefine((d, ctx) => {
    if (d.taxTreatment === 'exempt' && d.taxExemptionReason === undefined)
      ctx.addIssue({ code: 'custom', path: ['taxExemptionReason'], message: 'an exempt treatment needs its legal ground' });
  });
export type AccountDetails = z.infer<typeof AccountDetails>;

/** Versions of details in order of validFrom, each one from a later date than the one before. */
export function versionsInOrder<T extends { validFrom: string }>(
  list: readonly T[],
  ctx: z.RefinementCtx,
  path: (string | number)[],
): void {
  list.forEach((d, i) => {
    const prev = list[i - 1];
    if (prev && !(d.validFrom > prev.validFrom))
      ctx.addIssue({ code: 'custom', path: [...path, i, 'validFrom'], message: `must be after ${prev.validFrom} (the version before)` });
  });
}

/** The version in force on a local date (the last one from that date or earlier), or undefined before the first. */
export function detailsOn<T extends { validFrom: string }>(list: readonly T[] | undefined, date: string): T | undefined {
  let found: T | undefined;
  for (const d of list ?? []) if (d.validFrom <= date) found = d;
  return found;
}
