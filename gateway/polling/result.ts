// What every driver's poll comes back with, whatever the protocol.
import type { Reading } from '../../protocol/reading.js';
import type { PollKind } from './schedule.js';

export interface PollFault {
  kind: string;
  reason?: string;
}

/** Who a device is, as its own registers or OIDs say: swaps and reboots show here. */
export interface DeviceIdentity {
  device: string;
  serial?: string;
  model?: string;
  /** Agent uptime in seconds (sysUpTime), where the protocol has one. */
  uptimeS?: number;
  /** The vendor's energy-reset time or timer, as the device gives it. */
  resetTime?: string;
}

export interface PollResult {
  /** The configured device (for a PDU agent: the agent; its chained units are separate reading devices). */
  device: string;
  kind: PollKind;
  readings: Reading[];
  fault?: PollFault;
  /** Not polled (a failing device's pause), or cut short because polling stopped. */
  skipped?: 'backoff' | 'stopping';
  durationMs: number;
  identities?: DeviceIdentity[];
}
