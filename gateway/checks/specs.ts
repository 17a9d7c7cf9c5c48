// Where a counter's width and resolution come from: the profile of the device that read it.
import type { Measurement } from '../../protocol/measurements.js';
import type { GatewayConfig } from '../config/schema.js';
import { PHASE_CHANNEL, PHASES } from '../config/topology.js';
import type { Catalogs } from '../profiles/load.js';
import type { CounterSpecKwh } from './counter-epochs.js';
import { counterSpec } from './counter-check.js';

export function counterSpecs(
  config: GatewayConfig,
  profiles: Catalogs,
): (device: string, channel: string, m: Measurement) => CounterSpecKwh | undefined {
  const modbus = new Map(config.devices.map((d) => [d.id, profiles.modbus.get(d.profile)!]));
  const pdus = config.snmp.pdus.map((p) => ({ id: p.id, profile: profiles.snmp.get(p.profile)! }));
  return (device, channel, m) => {
    const meter = modbus.get(device);
    if (meter) {
      const f = meter.fields.find((x) => x.measurement === m && x.channel === channel && x.counter);
      return f?.counter ? counterSpec(f.counter, f) : undefined;
    }
    const pdu = pdus.find((p) => device === p.id || device.startsWith(`${p.id}.u`));
    if (!pdu) return undefined;
    const kind = channel.split(':')[0]!;
    for (const t of pdu.profile.snmp.tables) {
      const template = 'template' in t.channel ? t.channel.template : '';
      const values = [...t.columns, ...Object.values(t.bySensor?.map ?? {})];
      const v = values.find((x) => x.measurement === m && x.counter);
      if (v?.counter && (template.startsWith(kind) || !('template' in t.channel)))
        return counterSpec(v.counter, { scale: v.scale, ...(v.counter.signed ? { type: 'i32' } : {}) });
    }
    return undefined;
  };
}

/** The most power a channel can draw, from the topology's ratings (undefined where no rating covers it). */
export function ratedPowers(config: GatewayConfig): (device: string, channel: string) => number | undefined {
  const rated = new Map<string, number>();
  const add = (device: string, channel: string, w: number) =>
    rated.set(`${device}|${channel}`, (rated.get(`${device}|${channel}`) ?? 0) + w);
  for (const c of config.topology.circuits) {
    for (const p of PHASES) add(c.meter, PHASE_CHANNEL[p], c.ratingA * c.voltageV);
    add(c.meter, 'total', 3 * c.ratingA * c.voltageV);
    for (const p of PHASES) {
      for (const l of c.phases[p]) {
        if (l.ratingA === undefined) continue;
        add(l.device, l.channel, l.ratingA * c.voltageV);
        // A PDU listed per phase: its total is what all its phases can carry.
        if (l.channel !== 'total') add(l.device, 'total', l.ratingA * c.voltageV);
      }
    }
  }
  return (device, channel) => rated.get(`${device}|${channel}`);
}
