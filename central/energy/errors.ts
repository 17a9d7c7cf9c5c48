// Typed errors of the energy core. A billing job (the boundary) catches them, counts them and holds the
// affected draft; one bad series never crashes a run.

/** Input that cannot be energy: cuts out of order, overlapping epoch events, an event that ends before it starts. */
export class EnergyInputError extends Error {
  readonly seriesId: string | undefined;
  constructor(message: string, seriesId?: string) {
    super(seriesId === undefined ? message : `${seriesId}: ${message}`);
    this.name = 'EnergyInputError';
    this.seriesId = seriesId;
  }
}

/** A bad time zone, date or month: local time's error (common/local-time.ts), thrown by the energy core too. */
export { PeriodError } from '../../common/local-time.js';
