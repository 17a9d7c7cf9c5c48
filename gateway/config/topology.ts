// The room's power topology in gateway.yaml: which loads (PDU inlets or phases, branch meters) hang on
// which phase of which master meter, and the ratings. The integrity checks (gateway/checks/) compare
// what the loads draw with what the master meter measures, phase by phase.
import { z } from 'zod';
import { Channel } from '../../protocol/measurements.js';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-", "." (up to 64)');

export const PHASES = ['L1', 'L2', 'L3'] as const;
export type Phase = (typeof PHASES)[number];
/** The master meter's channel that measures a phase. */
export const PHASE_CHANNEL: Record<Phase, string> = { L1: 'l1', L2: 'l2', L3: 'l3' };

export const Load = z.strictObject({
  device: Id.describe('a Modbus device id or a PDU id (a daisy-chained unit as <pdu id>.u<N>)'),
  channel: Channel.default('total').describe('which of its channels draws from this phase: total, inlet:N, phase:N, l1..l3, outlet:N'),
  ratingA: z
    .number()
    .positive()
    .optional()
    .describe("rated current of the load's own supply (PDU inlet breaker): load alerts and the counter jump check"),
});
export type Load = z.infer<typeof Load>;

export const Circuit = z.strictObject({
  id: Id.describe('name used in alerts, e.g. busbar-b2 or panel-3/cb-12'),
  meter: Id.describe('device id of the master meter of this circuit; it must read power per phase (channels l1, l2, l3)'),
  ratingA: z.number().positive().describe('rated current per phase (breaker or busbar rating)'),
  voltageV: z.number().positive().default(230).describe('phase-to-neutral voltage, for the rated power'),
  phases: z
    .strictObject({
      L1: z.array(Load).default([]),
      L2: z.array(Load).default([]),
      L3: z.array(Load).default([]),
    })
    .describe('the loads on each phase of the meter'),
});
export type Circuit = z.infer<typeof Circuit>;

export const ChecksConfig = z.strictObject({
  windowMs: z.number().int().min(10_000).default(60_000).describe('length of one check window; poll intervals should divide it'),
  graceMs: z.number().int().min(0).default(10_000).describe('how long after a window ends its late poll results are still counted'),
  tolerancePct: z
    .number()
    .min(0)
    .max(100)
    .default(5)
    .describe('sum check: allowed difference between the loads and the meter, in percent of the meter'),
  toleranceFloorW: z.number().min(0).default(150).describe('sum check: allowed difference in watts at light load (whichever is larger)'),
  raiseAfterWindows: z.number().int().min(1).default(3).describe('windows in a row out of tolerance before an alert is raised'),
  clearAfterWindows: z.number().int().min(1).default(3).describe('windows in a row within tolerance before it is cleared'),
  imbalancePct: z
    .number()
    .min(1)
    .default(20)
    .describe('current imbalance of a circuit (largest deviation from the mean, in percent of the mean)'),
  imbalanceMinA: z.number().min(0).default(5).describe('below this mean current per phase the imbalance is not judged'),
  loadWarnPct: z.number().min(1).default(80).describe('current against the rating that raises a warning'),
  loadCriticalPct: z.number().min(1).default(100).describe('current against the rating that raises a critical alert'),
  wiringWindows: z.number().int().min(4).max(1440).default(30).describe('windows kept per circuit for the wiring inference'),
  lostAfterPolls: z
    .number()
    .int()
    .min(1)
    .default(4)
    .describe(
      'a device is lost after this many failed polls in a row and as many energy intervals without a reading (or ten times that silence)',
    ),
  frozenAfterMs: z
    .number()
    .int()
    .min(60_000)
    .default(900_000)
    .describe('identical power, current and voltage under load in every full poll for this long (and 3 polls at least): readings frozen'),
  eventAlertHoldMs: z
    .number()
    .int()
    .min(0)
    .default(86_400_000)
    .describe('how long a one-time alert (counter reset, device swap) stays active'),
});
export type ChecksConfig = z.infer<typeof ChecksConfig>;

export const Topology = z.strictObject({
  circuits: z.array(Circuit).default([]).describe('master meters and the loads on each of their phases'),
});
export type Topology = z.infer<typeof Topology>;
