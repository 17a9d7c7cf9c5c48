import t, { type Test } from 'tap';
import { judgeCounter, type CounterMemory, type CounterObservation, type Verdict } from './counter-epochs.js';

const T0 = Date.UTC(2026, 10, 1);
const MIN = 60_000;
const u32Wh = { rolloverKwh: 2 ** 32 / 1000, resolutionKwh: 0.001 }; // Eaton Unsigned32 Wh
const u16Tenths = { rolloverKwh: 2 ** 16 / 10, resolutionKwh: 0.1 };
const float32 = { resolutionKwh: 0.0625 }; // SDM630 float at 10^6 kWh

interface Step {
  obs: Partial<CounterObservation> & { value: number; ts: number };
  want: Verdict['kind'];
  check?: (v: Verdict) => void;
}

/** Runs readings through the judge in order, as the gateway does, and returns the verdicts. */
function run(t: Test, name: string, base: Partial<CounterObservation>, steps: Step[]): void {
  t.test(name, async (t) => {
    let mem: CounterMemory | undefined;
    for (const [i, s] of steps.entries()) {
      const r = judgeCounter(mem, {
        device: 'pdu-r12-a',
        channel: 'outlet:3',
        measurement: 'energy_import_kwh',
        spec: u32Wh,
        ...base,
        ...s.obs,
      });
      t.equal(r.verdict.kind, s.want, `reading ${i + 1} (${s.obs.value}) is ${s.want}`);
      s.check?.(r.verdict);
      mem = r.next;
    }
  });
}

run(t, 'a counter that grows is one epoch', { serial: 'A1' }, [
  { obs: { value: 100, ts: T0, powerW: 600 }, want: 'first' },
  { obs: { value: 100.01, ts: T0 + MIN, powerW: 600 }, want: 'normal', check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, 0.01) },
  { obs: { value: 100.02, ts: T0 + 2 * MIN, powerW: 600 }, want: 'normal' },
]);

run(t, 'rollover of an Unsigned32 Wh counter at 4.29 GWh', { serial: 'E1', maxPowerW: 20_000 }, [
  { obs: { value: 4294967.2, ts: T0, powerW: 6000 }, want: 'first' },
  {
    obs: { value: 0.05, ts: T0 + MIN, powerW: 6000 },
    want: 'rollover',
    check: (v) =>
      t.match(v, { event: { reason: 'rollover', betweenKwh: 0.146, estimated: false, old: { value: 4294967.2 }, new: { value: 0.05 } } }),
  },
  { obs: { value: 0.15, ts: T0 + 2 * MIN, powerW: 6000 }, want: 'normal' },
]);

run(t, 'rollover of a 16-bit counter in tenths of kWh', { spec: u16Tenths, maxPowerW: 20_000 }, [
  { obs: { value: 6553.5, ts: T0 }, want: 'first' },
  { obs: { value: 0.1, ts: T0 + 5 * MIN }, want: 'rollover', check: (v) => t.match(v, { event: { betweenKwh: 0.2 } }) },
]);

run(t, 'a float counter losing resolution jitters by one step: not a reset', { spec: float32, serial: 'S1' }, [
  { obs: { value: 1_000_000.0625, ts: T0, powerW: 100 }, want: 'first' },
  { obs: { value: 1_000_000, ts: T0 + MIN, powerW: 100 }, want: 'normal', check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, 0) },
  {
    obs: { value: 1_000_000.0625, ts: T0 + 2 * MIN, powerW: 100 },
    want: 'normal',
    check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, 0),
  },
]);

run(t, 'reset announced by the vendor (APC energy start time changes), same serial', { serial: '3F3452A52295' }, [
  { obs: { value: 1951.6, ts: T0, resetMarker: '04/16/2019 14:43:21', powerW: 1210 }, want: 'first' },
  {
    obs: { value: 0.0, ts: T0 + 10 * MIN, resetMarker: '11/01/2026 00:09:00', powerW: 1210 },
    want: 'reset',
    check: (v) =>
      t.match(v, {
        event: {
          reason: 'reset',
          old: { value: 1951.6, serial: '3F3452A52295' },
          new: { value: 0 },
          betweenKwh: 0.201666666667,
          estimated: true,
        },
      }),
  },
  { obs: { value: 0.2, ts: T0 + 20 * MIN, resetMarker: '11/01/2026 00:09:00', powerW: 1210 }, want: 'normal' },
]);

run(t, 'reset after a device restart: value near zero, uptime went back', { serial: 'M7' }, [
  { obs: { value: 5000, ts: T0, uptimeS: 86_400 }, want: 'first' },
  { obs: { value: 0.3, ts: T0 + MIN, uptimeS: 40 }, want: 'reset' },
]);

run(t, 'a PDU exchanged mid-month: the serial changes', {}, [
  { obs: { value: 304.6, ts: T0, serial: 'OLD-1', powerW: 163 }, want: 'first' },
  {
    obs: { value: 12.4, ts: T0 + 15 * MIN, serial: 'NEW-2', powerW: 170 },
    want: 'swap',
    check: (v) =>
      t.match(v, {
        event: {
          reason: 'swap',
          old: { serial: 'OLD-1', value: 304.6 },
          new: { serial: 'NEW-2', value: 12.4 },
          betweenKwh: 0.041625,
          estimated: true,
        },
      }),
  },
  { obs: { value: 12.45, ts: T0 + 30 * MIN, serial: 'NEW-2', powerW: 170 }, want: 'normal' },
]);

run(t, 'a swap without a serial: the counter lands elsewhere while the device restarted', { maxPowerW: 3680 }, [
  { obs: { value: 812.5, ts: T0, uptimeS: 500_000, powerW: 900 }, want: 'first' },
  { obs: { value: 2210.7, ts: T0 + MIN, uptimeS: 30, powerW: 900 }, want: 'swap' },
  { obs: { value: 2210.72, ts: T0 + 2 * MIN, uptimeS: 90, powerW: 900 }, want: 'normal' },
]);

run(t, 'a drop without evidence is flagged once; a glitch does not move the base', { serial: 'G1', maxPowerW: 3680 }, [
  { obs: { value: 500, ts: T0, powerW: 600 }, want: 'first' },
  { obs: { value: 120, ts: T0 + MIN, powerW: 600 }, want: 'negative', check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, -380) },
  {
    obs: { value: 500.02, ts: T0 + 2 * MIN, powerW: 600 },
    want: 'normal',
    check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, 0.02, 'measured from the last good value'),
  },
]);

run(t, 'a drop without evidence confirmed by the next reading is an unannounced reset', { serial: 'G2' }, [
  { obs: { value: 500, ts: T0, powerW: 600 }, want: 'first' },
  { obs: { value: 120, ts: T0 + MIN, powerW: 600 }, want: 'negative' },
  {
    obs: { value: 120.01, ts: T0 + 2 * MIN, powerW: 600 },
    want: 'reset',
    check: (v) => t.match(v, { event: { ts: T0 + MIN, old: { value: 500, ts: T0 }, new: { value: 120, ts: T0 + MIN }, betweenKwh: 0.01 } }),
  },
]);

run(t, 'more energy than the circuit allows is an implausible jump', { serial: 'J1', maxPowerW: 3680 }, [
  { obs: { value: 100, ts: T0 }, want: 'first' },
  { obs: { value: 160, ts: T0 + MIN }, want: 'jump', check: (v) => t.equal((v as { deltaKwh: number }).deltaKwh, 60) },
]);

run(t, 'a counter standing still while power is drawn is frozen after three readings', { serial: 'F1' }, [
  { obs: { value: 42, ts: T0, powerW: 2000 }, want: 'first' },
  { obs: { value: 42, ts: T0 + MIN, powerW: 2000 }, want: 'normal' },
  { obs: { value: 42, ts: T0 + 2 * MIN, powerW: 2000 }, want: 'normal' },
  { obs: { value: 42, ts: T0 + 3 * MIN, powerW: 2000 }, want: 'frozen' },
  { obs: { value: 42.1, ts: T0 + 4 * MIN, powerW: 2000 }, want: 'normal' },
]);

run(t, 'no power, no movement: not frozen', { serial: 'F2' }, [
  { obs: { value: 42, ts: T0, powerW: 0 }, want: 'first' },
  ...[1, 2, 3, 4].map((i) => ({ obs: { value: 42, ts: T0 + i * MIN, powerW: 0 }, want: 'normal' as const })),
]);

run(t, 'a poll that does not read the serial keeps the known one (energy-only polls)', {}, [
  { obs: { value: 900, ts: T0, serial: 'K1', uptimeS: 1000 }, want: 'first' },
  {
    obs: { value: 0.01, ts: T0 + MIN, uptimeS: 5 },
    want: 'reset',
    check: (v) => t.match(v, { event: { old: { serial: 'K1' }, new: { serial: 'K1' } } }),
  },
]);
