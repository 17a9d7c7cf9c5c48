// gateway.yaml: one room's gateway. The schema gives the types, the defaults and the generated reference
// (docs/config-gateway.md, `npm run docs`).
import { z } from 'zod';
import { ChecksConfig, Topology } from './topology.js';

const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-", "." (up to 64)');
const Port = z.number().int().min(1).max(65535);

const LinkTiming = {
  turnaroundDelayMs: z
    .number()
    .min(0)
    .max(10_000)
    .default(0)
    .describe('extra quiet time after each answer before the next request (slow meters, RS-485 bias settling)'),
  connectTimeoutMs: z.number().int().min(100).max(60_000).default(3000).describe('time allowed to open the port or connect'),
};

const SerialLine = {
  baudRate: z.number().int().min(1200).max(115200).default(9600).describe('1200 to 115200'),
  parity: z.enum(['none', 'even', 'odd']).default('none'),
  stopBits: z.union([z.literal(1), z.literal(2)]).default(1),
};

const RtuFraming = {
  frameGapMs: z
    .number()
    .min(1)
    .max(1000)
    .default(25)
    .describe('silence after which a partial or corrupt RTU answer is judged complete (USB adapters deliver in chunks)'),
};

export const RtuBus = z.strictObject({
  id: Id,
  type: z.literal('rtu').describe('Modbus RTU on a serial port (RS-485 adapter)'),
  path: z.string().min(1).describe('serial device, e.g. /dev/ttyUSB0 or /dev/serial/by-id/...'),
  ...SerialLine,
  ...RtuFraming,
  ...LinkTiming,
});

export const TcpBus = z.strictObject({
  id: Id,
  type: z.literal('tcp').describe('Modbus TCP (MBAP) to a meter or a TCP-to-RTU gateway'),
  host: z.string().min(1),
  port: Port.default(502),
  maxStaleFrames: z
    .number()
    .int()
    .min(1)
    .max(100)
    .default(3)
    .describe('answers with a wrong transaction id in a row before the connection is judged out of step and reopened'),
  ...LinkTiming,
});

export const RtuOverTcpBus = z.strictObject({
  id: Id,
  type: z.literal('rtu-over-tcp').describe('RTU frames through a serial device server (transparent TCP port)'),
  host: z.string().min(1),
  port: Port,
  line: z
    .strictObject(SerialLine)
    .optional()
    .describe("the device server's serial settings, if known: adds wire times to timeouts and silences"),
  ...RtuFraming,
  ...LinkTiming,
});

export const Bus = z.discriminatedUnion('type', [RtuBus, TcpBus, RtuOverTcpBus]);
export type Bus = z.infer<typeof Bus>;

export const Device = z.strictObject({
  id: Id.describe('stable name of the meter in this room, e.g. busbar-a1'),
  bus: Id.describe('id of the bus it hangs on'),
  unit: z.number().int().min(1).max(247).describe('Modbus unit id (slave address)'),
  profile: z.string().min(1).describe('profile id from config/profiles (or profiles.dirs)'),
  timeoutMs: z.number().int().min(20).max(30_000).default(500).describe("answer timeout per request, on top of the frames' wire time"),
  retries: z.number().int().min(0).max(5).default(1).describe('retries of a request that timed out or came back corrupt'),
  backoffBaseMs: z.number().int().min(0).default(5000).describe('pause after the first failed poll; doubles per failure'),
  backoffMaxMs: z.number().int().min(0).default(300_000).describe('longest pause between attempts at a failing meter'),
  energyIntervalMs: z.number().int().min(100).default(15_000).describe('how often energy counters are read'),
  fullIntervalMs: z.number().int().min(100).default(60_000).describe('how often every measurement is read'),
});
export type Device = z.infer<typeof Device>;

export const SnmpUser = z.strictObject({
  name: z.string().min(1),
  level: z.enum(['noAuthNoPriv', 'authNoPriv', 'authPriv']).default('authPriv'),
  authProtocol: z.enum(['md5', 'sha', 'sha224', 'sha256', 'sha384', 'sha512']).default('sha256'),
  authKey: z.string().min(8).optional().describe('at least 8 characters (RFC 3414)'),
  privProtocol: z.enum(['des', 'aes', 'aes256b', 'aes256r']).default('aes'),
  privKey: z.string().min(8).optional(),
});

export const Pdu = z.strictObject({
  id: Id.describe('stable name of the PDU, e.g. pdu-r12-a; daisy-chained units become <id>.u<N>'),
  host: z.string().min(1),
  port: Port.default(161),
  version: z.enum(['2c', '3']).default('2c'),
  community: z.string().min(1).default('public').describe('SNMP v2c community'),
  user: SnmpUser.optional().describe('SNMP v3 user (version 3)'),
  profile: z.string().min(1).describe('PDU profile id from config/profiles; `joulebook gateway scan --snmp` names it'),
  timeoutMs: z.number().int().min(50).max(30_000).default(1000).describe('per SNMP request'),
  retries: z.number().int().min(0).max(5).default(1),
  maxRepetitions: z.number().int().min(1).max(200).default(25).describe('GETBULK rows per request; halved if the agent answers tooBig'),
  budgetMs: z
    .number()
    .int()
    .min(100)
    .max(120_000)
    .default(8000)
    .describe('the most one poll of this PDU may take; a slow PDU delays nobody else'),
  backoffBaseMs: z.number().int().min(0).default(5000),
  backoffMaxMs: z.number().int().min(0).default(300_000),
  energyIntervalMs: z.number().int().min(100).default(15_000),
  fullIntervalMs: z.number().int().min(100).default(60_000),
});
export type Pdu = z.infer<typeof Pdu>;

export const Mqtt = z.strictObject({
  url: z
    .string()
    .regex(/^(mqtt|mqtts|tcp|ssl|ws|wss):\/\//, 'an MQTT URL such as mqtt://central:1883 or mqtts://central:8883')
    .default('mqtt://127.0.0.1:1883'),
  clientId: z.string().min(1).max(64).optional().describe('stable and unique per gateway; defaults to joulebook-<gateway id>'),
  username: z.string().optional(),
  password: z.string().optional(),
  passwordFile: z
    .string()
    .optional()
    .describe(
      'file holding the password (its first line), instead of `password`: keeps the secret out of this file (mode 0600); relative to the config file',
    ),
  tls: z
    .strictObject({
      ca: z.string().optional().describe("CA certificate file (PEM) that signed the broker's certificate; relative to the config file"),
      cert: z.string().optional().describe('client certificate file (PEM); relative to the config file'),
      key: z.string().optional().describe('client key file (PEM); relative to the config file'),
    })
    .optional(),
  inFlight: z.number().int().min(1).max(1000).default(16).describe('messages awaiting PUBACK at once'),
  maxPayloadBytes: z.number().int().min(4096).max(131072).default(65536),
  replayReadingsPerS: z.number().int().min(1).default(25_000).describe('readings per second replayed after an outage'),
  keepaliveS: z.number().int().min(5).max(600).default(30),
  reconnectMinMs: z.number().int().min(100).default(1000),
  reconnectMaxMs: z.number().int().min(100).default(30_000),
  statusIntervalMs: z.number().int().min(1000).default(30_000),
});

export const OutboxConfig = z.strictObject({
  maxBytes: z
    .number()
    .int()
    .min(1_000_000)
    .default(8_000_000_000)
    .describe('outbox size bound; the oldest items go first (8 GB: 11 days of 200 three-phase meters, docs/store-and-forward.md)'),
  maxAgeDays: z.number().min(1).default(30).describe('items older than this go, with a gap event'),
  commitIntervalMs: z
    .number()
    .int()
    .min(10)
    .max(60_000)
    .default(1000)
    .describe('how often appends and acknowledgements are committed (one fsync each)'),
  maxPendingItems: z
    .number()
    .int()
    .min(10)
    .default(10_000)
    .describe('poll results held in memory while the disk is full; beyond it the oldest go, with a gap event'),
});

export const StatusConfig = z.strictObject({
  enabled: z.boolean().default(true).describe('serve the status page (/), /status.json and Prometheus /metrics'),
  host: z
    .string()
    .min(1)
    .default('127.0.0.1')
    .describe('address to listen on; 127.0.0.1 keeps it on the gateway itself, 0.0.0.0 opens it to the room network'),
  port: Port.default(9180).describe('TCP port of the status page and /metrics'),
});

export const GatewayConfig = z.strictObject({
  gateway: z.strictObject({
    id: Id.describe('unique gateway id; the MQTT client id and topic level'),
    site: Id.describe('data-center site id'),
    room: Id.describe('room id within the site'),
  }),
  dataDir: z.string().default('./data').describe('outbox and state files; relative to the config file'),
  mqtt: Mqtt.prefault({}),
  outbox: OutboxConfig.prefault({}),
  status: StatusConfig.prefault({}).describe('the local status page for installers and /metrics (docs/gateway-status.md)'),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    })
    .prefault({}),
  profiles: z
    .strictObject({
      dirs: z.array(z.string()).default([]).describe('extra profile folders, read after the built-in config/profiles'),
    })
    .prefault({}),
  buses: z.array(Bus).default([]),
  devices: z.array(Device).default([]),
  snmp: z
    .strictObject({
      concurrency: z.number().int().min(1).max(256).default(16).describe('PDUs polled at the same time'),
      pdus: z.array(Pdu).default([]),
    })
    .prefault({}),
  topology: Topology.prefault({}).describe('the power chain of the room, for the phase-sum, balance and wiring checks'),
  checks: ChecksConfig.prefault({}).describe('thresholds of the integrity checks and alerts'),
});
export type GatewayConfig = z.infer<typeof GatewayConfig>;
