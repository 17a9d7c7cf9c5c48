// The profile catalogs a gateway.yaml needs (the built-in profiles and its own directories), loaded and
// checked against the config before anything is built: every problem at once, as one ConfigError.
import { ConfigError } from '../../common/issues.js';
import { BUILTIN_PROFILES_DIR } from '../paths.js';
import { loadCatalogs, type Catalogs } from '../profiles/load.js';
import { checkProfiles } from './load.js';
import type { GatewayConfig } from './schema.js';
import { checkTopologyChannels } from './topology-check.js';

export function profileDirs(cfg: GatewayConfig): string[] {
  return [BUILTIN_PROFILES_DIR, ...cfg.profiles.dirs];
}

/** Loads the profile catalogs and checks the config against them; throws ConfigError with every problem. */
export async function loadCatalogFor(config: GatewayConfig, configFile: string): Promise<Catalogs> {
  const profiles = await loadCatalogs(profileDirs(config));
  const issues = checkProfiles(config, configFile, { modbus: new Set(profiles.modbus.keys()), snmp: new Set(profiles.snmp.keys()) });
  if (issues.length > 0) throw new ConfigError(issues);
  const channels = checkTopologyChannels(config, configFile, profiles);
  if (channels.length > 0) throw new ConfigError(channels);
  return profiles;
}
