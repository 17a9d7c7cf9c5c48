// How each configured bus type becomes a link and a framing.
import type { Bus } from '../../config/schema.js';
import { Registry } from '../../../common/registry.js';
import type { BusOptions } from './bus.js';
import { SerialLink, TcpLink, type Link } from './links.js';

export interface BusKind<B extends Bus = Bus> {
  link(bus: B): Link;
  options(bus: B): BusOptions;
}

const rtu: BusKind<Extract<Bus, { type: 'rtu' }>> = {
  link: (b) => new SerialLink(b.path, { baudRate: b.baudRate, parity: b.parity, stopBits: b.stopBits }),
  options: (b) => ({
    name: b.id,
    framing: 'rtu',
    line: { baudRate: b.baudRate, parity: b.parity, stopBits: b.stopBits },
    turnaroundDelayMs: b.turnaroundDelayMs,
    frameGapMs: b.frameGapMs,
    connectTimeoutMs: b.connectTimeoutMs,
    maxStaleFrames: 1,
  }),
};

const tcp: BusKind<Extract<Bus, { type: 'tcp' }>> = {
  link: (b) => new TcpLink(b.host, b.port),
  options: (b) => ({
    name: b.id,
    framing: 'mbap',
    turnaroundDelayMs: b.turnaroundDelayMs,
    frameGapMs: 0,
    connectTimeoutMs: b.connectTimeoutMs,
    maxStaleFrames: b.maxStaleFrames,
  }),
};

const rtuOverTcp: BusKind<Extract<Bus, { type: 'rtu-over-tcp' }>> = {
  link: (b) => new TcpLink(b.host, b.port),
  options: (b) => ({
    name: b.id,
    framing: 'rtu',
    line: b.line,
    turnaroundDelayMs: b.turnaroundDelayMs,
    frameGapMs: b.frameGapMs,
    connectTimeoutMs: b.connectTimeoutMs,
    maxStaleFrames: 1,
  }),
};

export const busKinds = new Registry<BusKind>('bus type')
  .register('rtu', rtu as BusKind)
  .register('tcp', tcp as BusKind)
  .register('rtu-over-tcp', rtuOverTcp as BusKind);
