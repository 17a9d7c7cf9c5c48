// Drafts and notes stored before invoices spanned sites had one `site` and no account, entity or sections.
// Read back, they take today's shape: the site is the only section and its own entity, the customer its
// own account, and every line and trace entry names the site, so renderers, notes and the API read one
// shape. Nothing stored is rewritten (a final invoice is immutable); the upgrade happens on each read.
import type { InvoiceDraft, NoteDraft } from '../../billing/types.js';

type StoredDraft = InvoiceDraft & { site?: string };

export function upgradeDraft(raw: StoredDraft): InvoiceDraft {
  if (raw.sections !== undefined || raw.site === undefined) return raw;
  const { site, ...rest } = raw;
  const lines = raw.lines.map((l) => (l.kind === 'tax' || l.site !== undefined ? l : { ...l, site }));
  const subtotal = raw.subtotal;
  return {
    ...rest,
    account: raw.account ?? raw.customer,
    entity: raw.entity ?? site,
    sections: [{ site, period: raw.period, versions: raw.versions, subtotal, quality: raw.quality }],
    lines,
    trace: raw.trace.map((v) => (v.site !== undefined ? v : { site, ...v })),
  };
}

export function upgradeNote(raw: NoteDraft & { site?: string }): NoteDraft {
  if (raw.site === undefined) return raw;
  const { site, ...rest } = raw;
  return {
    ...rest,
    account: raw.account ?? raw.customer,
    entity: raw.entity ?? site,
    lines: raw.lines.map((l) => (l.kind === 'tax' || l.site !== undefined ? l : { ...l, site })),
  };
}
