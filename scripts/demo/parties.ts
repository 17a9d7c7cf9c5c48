// Who invoices whom in the demo, with the legal details an EU invoice and an e-invoice need: the Dutch
// company issuing Amsterdam 1's invoices (under the site's id, so numbers read AMS1-…), Acme (Dutch:
// standard VAT), Nordwind (a German business: reverse charge) and Lumen (Dutch, paying by its purchase
// order). docs/invoices.md, "Legal details". Pure.
import { SITE } from './site.js';

const SINCE = '2020-01-01';

export const DEMO_ENTITY = {
  id: SITE.id,
  name: 'Polder Colocation B.V.',
  timeZone: SITE.timeZone,
  details: [
    {
      validFrom: SINCE,
      legalName: 'Polder Colocation B.V.',
      address: { street: 'Kabelweg 37', city: 'Amsterdam', postalCode: '1014 BA', country: 'NL' },
      vatId: 'NL859123456B01',
      registration: { id: '81234567', scheme: '0106' },
      bank: { iban: 'NL91ABNA0417164300', bic: 'ABNANL2A' },
      paymentTermsDays: 30,
      endpoint: { scheme: '0106', id: '81234567' },
      contact: { name: 'Accounts receivable', email: 'billing@polder-colo.example' },
      footer: 'Polder Colocation B.V. · Kabelweg 37, 1014 BA Amsterdam · KvK 81234567 · VAT NL859123456B01',
    },
  ],
};

export const DEMO_ACCOUNTS = [
  {
    id: 'acme',
    customer: 'acme',
    name: 'Acme Hosting B.V.',
    details: [
      {
        validFrom: SINCE,
        legalName: 'Acme Hosting B.V.',
        address: { street: 'Herengracht 500', city: 'Amsterdam', postalCode: '1017 CB', country: 'NL' },
        vatId: 'NL812345678B01',
        endpoint: { scheme: '9944', id: 'NL812345678B01' },
      },
    ],
  },
  {
    id: 'nordwind',
    customer: 'nordwind',
    name: 'Nordwind Analytics GmbH',
    details: [
      {
        validFrom: SINCE,
        legalName: 'Nordwind Analytics GmbH',
        address: { street: 'Friedrichstraße 68', city: 'Berlin', postalCode: '10117', country: 'DE' },
        vatId: 'DE298765432',
        endpoint: { scheme: '9930', id: 'DE298765432' },
        taxTreatment: 'reverse-charge',
      },
    ],
  },
  {
    id: 'lumen',
    customer: 'lumen',
    name: 'Lumen Media B.V.',
    details: [
      {
        validFrom: SINCE,
        legalName: 'Lumen Media B.V.',
        address: { street: 'Marconistraat 16', city: 'Rotterdam', postalCode: '3029 AK', country: 'NL' },
        vatId: 'NL823456789B01',
        endpoint: { scheme: '9944', id: 'NL823456789B01' },
        purchaseOrder: 'PO-LM-2026-114',
        paymentTermsDays: 14,
      },
    ],
  },
];
