// The gateway's composition root: the only place that constructs and wires.
import type { Logger } from 'pino';
import type { Reading } from '../protocol/reading.js';
import { ConfigError } from '../protocol/issues.js';
import type { Clock } from './clock.js';
import { checkProfiles } from './config/load.js';
import type { GatewayConfig } from './config/schema.js';
import { ModbusBus } from './drivers/modbus/bus.js';
import { busKinds } from './drivers/modbus/bus-kinds.js';
import { ModbusDevice, type PollResult } from './drivers/modbus/device.js';
import { loadProfiles, type ProfileCatalog } from './profiles/load.js';
import { PollScheduler } from './polling/scheduler.js';
import { BUILTIN_PROFILES_DIR } from './paths.js';


export function profileDirs(cfg: GatewayConfig): string[] {
  return [BUILTIN_PROFILES_DIR, ...cfg.profiles.dirs];
}

export interface GatewayDeps {
  config: GatewayConfig;
  configFile: string;
  profiles: ProfileCatalog;
  clock: Clock;
  log: Logger;
  onReadings?: (readings: readonly Reading[], result: PollResult) => void;
}

export interface Gateway {
  buses: ReadonlyMap<string, ModbusBus>;
  devices: ReadonlyMap<string, ModbusDevice>;
  scheduler: PollScheduler<PollResult>;
  start(): void;
  stop(): Promise<void>;
}

/** Loads the profile catalog and checks the config against it; throws ConfigError with every problem. */
export async function loadCatalogFor(config: GatewayConfig, configFile: string): Promise<ProfileCatalog> {
  const profiles = await loadProfiles(profileDirs(config));
  const issues = checkProfiles(config, configFile, new Set(profiles.keys()));
  if (issues.length > 0) throw new ConfigError(issues);
  return profiles;
}

export function buildGateway(deps: GatewayDeps): Gateway {
  const { config, clock, log } = deps;
  const buses = new Map<string, ModbusBus>();
  for (const b of config.buses) {
    const kind = busKinds.get(b.type);
    buses.set(b.id, new ModbusBus({ options: kind.options(b), link: kind.link(b), clock, log: log.child({ area: 'modbus', bus: b.id }) }));
  }
  const devices = new Map<string, ModbusDevice>();
  for (const d of config.devices) {
    devices.set(d.id, new ModbusDevice({
      options: { id: d.id, unit: d.unit, timeoutMs: d.timeoutMs, retries: d.retries, backoffBaseMs: d.backoffBaseMs, backoffMaxMs: d.backoffMaxMs },
      profile: deps.profiles.get(d.profile)!,
      bus: buses.get(d.bus)!,
      clock,
      log: log.child({ area: 'modbus', device: d.id }),
    }));
  }
  const scheduler = new PollScheduler<PollResult>({
    targets: config.devices.map((d) => ({ target: devices.get(d.id)!, energyIntervalMs: d.energyIntervalMs, fullIntervalMs: d.fullIntervalMs })),
    clock,
    log: log.child({ area: 'polling' }),
    onResult: (r) => deps.onReadings?.(r.readings, r),
  });
  return {
    buses, devices, scheduler,
    start: () => scheduler.start(),
    stop: async () => {
      await scheduler.stop();
      await Promise.all([...buses.values()].map((b) => b.close()));
    },
  };
}
