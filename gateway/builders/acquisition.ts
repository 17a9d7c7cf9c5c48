// The acquisition: every configured Modbus bus and meter and every SNMP PDU with its driver, and the
// scheduler that polls them. Built by the composition root (gateway/main.ts) and, alone, by `joulebook
// gateway check`; constructing opens nothing: buses connect and polls begin only when it is started.
import type { Logger } from 'pino';
import type { Clock } from '../../common/clock.js';
import type { GatewayConfig, Pdu } from '../config/schema.js';
import { ModbusBus } from '../drivers/modbus/bus.js';
import { busKinds } from '../drivers/modbus/bus-kinds.js';
import { ModbusDevice } from '../drivers/modbus/device.js';
import { SnmpAgent } from '../drivers/snmp/agent.js';
import { SnmpClient, type SnmpTarget } from '../drivers/snmp/session.js';
import type { Catalogs } from '../profiles/load.js';
import { Limiter } from '../polling/limiter.js';
import type { PollResult } from '../polling/result.js';
import { PollScheduler, type ScheduledTarget } from '../polling/scheduler.js';

export interface AcquisitionDeps {
  config: GatewayConfig;
  profiles: Catalogs;
  clock: Clock;
  log: Logger;
}

export interface Acquisition {
  buses: ReadonlyMap<string, ModbusBus>;
  devices: ReadonlyMap<string, ModbusDevice>;
  pdus: ReadonlyMap<string, SnmpAgent>;
  scheduler: PollScheduler<PollResult>;
  /** Polling starts; every poll's result goes to `onResult`. */
  start(onResult: (result: PollResult) => void): void;
  stop(): Promise<void>;
}

export function snmpTarget(p: Pdu): SnmpTarget {
  return {
    host: p.host,
    port: p.port,
    version: p.version,
    community: p.community,
    timeoutMs: p.timeoutMs,
    retries: p.retries,
    maxRepetitions: p.maxRepetitions,
    ...(p.user ? { user: p.user } : {}),
  };
}

export function buildAcquisition(deps: AcquisitionDeps): Acquisition {
  const { config, clock, log } = deps;
  const buses = new Map<string, ModbusBus>();
  for (const b of config.buses) {
    const kind = busKinds.get(b.type);
    buses.set(b.id, new ModbusBus({ options: kind.options(b), link: kind.link(b), clock, log: log.child({ area: 'modbus', bus: b.id }) }));
  }
  const devices = new Map<string, ModbusDevice>();
  for (const d of config.devices) {
    devices.set(
      d.id,
      new ModbusDevice({
        options: {
          id: d.id,
          unit: d.unit,
          timeoutMs: d.timeoutMs,
          retries: d.retries,
          backoffBaseMs: d.backoffBaseMs,
          backoffMaxMs: d.backoffMaxMs,
        },
        profile: deps.profiles.modbus.get(d.profile)!,
        bus: buses.get(d.bus)!,
        clock,
        log: log.child({ area: 'modbus', device: d.id }),
      }),
    );
  }
  const limiter = new Limiter(config.snmp.concurrency);
  const pdus = new Map<string, SnmpAgent>();
  for (const p of config.snmp.pdus) {
    pdus.set(
      p.id,
      new SnmpAgent({
        options: { id: p.id, budgetMs: p.budgetMs, backoffBaseMs: p.backoffBaseMs, backoffMaxMs: p.backoffMaxMs },
        profile: deps.profiles.snmp.get(p.profile)!,
        client: new SnmpClient(snmpTarget(p)),
        limiter,
        clock,
        log: log.child({ area: 'snmp', pdu: p.id }),
      }),
    );
  }
  const targets: ScheduledTarget<PollResult>[] = [
    ...config.devices.map((d) => ({ target: devices.get(d.id)!, energyIntervalMs: d.energyIntervalMs, fullIntervalMs: d.fullIntervalMs })),
    ...config.snmp.pdus.map((p) => ({ target: pdus.get(p.id)!, energyIntervalMs: p.energyIntervalMs, fullIntervalMs: p.fullIntervalMs })),
  ];
  const scheduler = new PollScheduler<PollResult>({ targets, clock, log: log.child({ area: 'polling' }) });
  return {
    buses,
    devices,
    pdus,
    scheduler,
    start: (onResult) => scheduler.start(onResult),
    // The polls in flight end because their buses and sessions close under them, not by timing out.
    stop: async () => {
      const polls = scheduler.stop();
      await Promise.all([...buses.values()].map((b) => b.close()));
      for (const p of pdus.values()) p.client.close();
      await polls;
    },
  };
}
