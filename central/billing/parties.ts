// Who an invoice is from and to, as printed: the issuing entity's and the billing account's legal details
// in force on the day after the month (the day its invoices are issued, in the entity's zone), copied into
// the draft (types.ts DraftParties) so a final invoice reads the same whatever the inventory says later.
// An entity without details gives no parties: its invoices print names only, as before details existed.
import { localDateOf, type Period } from '../../common/local-time.js';
import { detailsOn } from '../model/contracts/legal.js';
import type { Parties } from '../model/contracts/types.js';
import type { DraftParties } from './types.js';

export function draftParties(parties: Parties, entity: string, account: string, period: Period): DraftParties | undefined {
  const e = parties.entities.get(entity);
  const date = localDateOf(period.toMs, period.timeZone);
  const seller = detailsOn(e?.details, date);
  if (!e || !seller) return undefined;
  const a = parties.accounts.get(account);
  const buyer = detailsOn(a?.details, date);
  return {
    seller: { ...withoutDate(seller), id: e.id },
    buyer: { ...(buyer ? withoutDate(buyer) : { legalName: a?.name ?? account, taxTreatment: 'standard' as const }), id: account },
    paymentTermsDays: buyer?.paymentTermsDays ?? seller.paymentTermsDays,
  };
}

function withoutDate<T extends { validFrom: string }>(d: T): Omit<T, 'validFrom'> {
  const out: Partial<T> = { ...d };
  delete out.validFrom;
  return out as Omit<T, 'validFrom'>;
}
