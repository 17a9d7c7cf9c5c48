// What the model keeps of the operators' edits (assignments, tariff versions, billing accounts, contract
// versions, utility prices): an append-only log (both schemas refuse an UPDATE or DELETE of one); the model
// is the inventory and tariff files with every edit applied in order (model/holder.ts). The access stores
// (access/sqlite.ts, access/postgres.ts) keep it on their connection; both pass one contract suite
// (test/storage/edits-contract.ts).

/** One edit as stored: its order, who made it, when, and what it says (validated JSON). */
export interface StoredEdit<T> {
  seq: number;
  by: string;
  at: number;
  body: T;
}

/** Every kind of edit; both schemas' model_edits.kind CHECK lists the same (migration 5 added the last three). */
export const EDIT_KINDS = ['assignment', 'tariff', 'account', 'contract', 'utility-price'] as const;
export type EditKind = (typeof EDIT_KINDS)[number];

export interface EditStore {
  /**
   * Appends an edit if the newest stored edit, of either kind, is still `ifLastSeq` (0: there is none),
   * and returns its seq; undefined when another edit came first (another central instance on the same
   * database). Appends are serialized, so seqs ascend in commit order.
   */
  appendEdit<T>(kind: EditKind, edit: { by: string; at: number; body: T }, ifLastSeq: number): Promise<number | undefined>;
  /** Every edit of the kind, in seq order. */
  edits<T>(kind: EditKind): Promise<StoredEdit<T>[]>;
  /** The newest edit's seq, of either kind; 0 when there is none. */
  lastEditSeq(): Promise<number>;
}
