// central.yaml: one central node. The schema gives the types, the defaults and the generated reference
// (docs/config-central.md, `npm run docs`). Embedded by default: an in-process broker and SQLite.
import { isIP } from 'node:net';
import { z } from 'zod';
import { MAX_PACKET_BYTES, MAX_PAYLOAD_BYTES } from '../../protocol/wire.js';

const Port = z.number().int().min(1).max(65535);
const Month = z.string().regex(/^[0-9]{4}-(0[1-9]|1[0-2])$/, "a month as 'YYYY-MM'");
/** An IPv4 or IPv6 address, a network in CIDR form (10.0.0.0/8, fd00::/8), or a name proxy-addr knows. */
const AddressOrCidr = z.string().refine((s) => {
  if (['loopback', 'linklocal', 'uniquelocal'].includes(s)) return true;
  const [addr = '', bits, extra] = s.split('/');
  const family = isIP(addr);
  if (family === 0 || extra !== undefined) return false;
  return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}, 'an IP address, a network in CIDR form (10.0.0.0/8, fd00::/8), or one of loopback, linklocal, uniquelocal');
const Id = z.string().regex(/^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$/, 'letters, digits, "_", "-", "." (up to 64)');

export const EmbeddedBrokerConfig = z.strictObject({
  host: z.string().default('0.0.0.0').describe('address the MQTT listener binds to'),
  port: Port.default(1883),
  tls: z
    .strictObject({
      host: z.string().default('0.0.0.0'),
      port: Port.default(8883),
      cert: z.string().describe('server certificate (PEM file)'),
      key: z.string().describe('server key (PEM file)'),
      ca: z.string().optional().describe('CA for client certificates (PEM file)'),
    })
    .optional()
    .describe('a TLS listener beside the plain one'),
  credentials: z
    .string()
    .default('credentials.yaml')
    .describe('users of the broker with hashed passwords (`joulebook central broker user set`); relative to this file'),
  maxPacketBytes: z
    .number()
    .int()
    .min(MAX_PAYLOAD_BYTES + 1024)
    .max(268_435_455)
    .default(MAX_PACKET_BYTES)
    .describe(
      `a connection announcing a larger MQTT packet is closed before the packet is read (gateways send payloads of at most ${MAX_PAYLOAD_BYTES} bytes)`,
    ),
  connectTimeoutS: z
    .number()
    .min(1)
    .max(300)
    .default(10)
    .describe('a connection that has not signed in (CONNECT answered) within this is closed'),
  signInThrottle: z
    .strictObject({
      windowS: z.number().min(1).max(86_400).default(300).describe('failed sign-ins count for this long'),
      maxFailuresPerUserAddress: z
        .number()
        .int()
        .min(1)
        .default(5)
        .describe('failed sign-ins of one username from one address per window; further ones are refused without checking the password'),
      maxFailuresPerAddress: z
        .number()
        .int()
        .min(1)
        .default(30)
        .describe('failed sign-ins from one address per window, whatever the username'),
      maxFailuresPerUser: z
        .number()
        .int()
        .min(1)
        .default(100)
        .describe(
          'failed sign-ins of one username per window from addresses it never signed in from; its known addresses are still checked',
        ),
    })
    .prefault({})
    .describe('refused sign-ins answer "server unavailable" (3) until the window lets them through again'),
});

export const ExternalBrokerConfig = z.strictObject({
  url: z.string().regex(/^(mqtt|mqtts|tcp|ssl|ws|wss):\/\//, 'an MQTT URL such as mqtt://mosquitto:1883'),
  clientId: z.string().min(1).max(64).optional().describe('stable per central instance; defaults to joulebook-central-<central.id>'),
  username: z.string().optional(),
  password: z.string().optional(),
  shareGroup: z
    .string()
    .regex(/^[A-Za-z0-9_-]+$/)
    .optional()
    .describe('subscribe through $share/<group>/ so several central instances split the load'),
  tls: z.strictObject({ ca: z.string().optional(), cert: z.string().optional(), key: z.string().optional() }).optional(),
});

/** Where no database is yet: make one (first start), or refuse so a deleted file or unmounted volume does not start empty. */
const Create = z.enum(['if-missing', 'never']);

export const StorageConfig = z.union([
  z.strictObject({
    sqlite: z.strictObject({
      file: z.string().default('joulebook.db').describe('relative to dataDir; made mode 0600 (its folder 0700 when the node makes it)'),
      writerThread: z
        .boolean()
        .default(true)
        .describe('store readings on a thread of their own, beside parsing and the broker (false: on the main thread)'),
      create: Create.default('if-missing').describe(
        '`if-missing`: make a new database where no file is; `never`: refuse to start without the file ' +
          '(set it once the database exists). An empty, damaged or foreign file is always refused; ' +
          '`joulebook central --new-database` starts a new one on an empty file',
      ),
    }),
  }),
  z.strictObject({
    postgres: z.strictObject({
      url: z.string().regex(/^postgres(ql)?:\/\//, 'a postgres:// URL'),
      schema: z
        .string()
        .regex(/^[a-z_][a-z0-9_]*$/)
        .default('joulebook'),
      create: Create.default('if-missing').describe(
        '`if-missing`: make the schema and its tables where they are not; `never`: refuse to start without them ' +
          '(a dropped schema or a wrong database would otherwise start empty, invoice numbers from 000001); `joulebook central --new-database` makes them once',
      ),
    }),
  }),
]);

export const CentralConfig = z.strictObject({
  central: z
    .strictObject({
      id: Id.default('central').describe('name of this central instance'),
    })
    .prefault({}),
  dataDir: z.string().default('./data').describe('broker sessions and the SQLite store; relative to this file'),
  inventory: z.string().optional().describe('inventory file (docs/config-inventory.md); relative to this file'),
  broker: z
    .union([z.strictObject({ embedded: EmbeddedBrokerConfig.prefault({}) }), z.strictObject({ external: ExternalBrokerConfig })])
    .default({ embedded: EmbeddedBrokerConfig.parse({}) })
    .describe('`embedded` (default) runs the broker in this process; `external` consumes from any MQTT 3.1.1 broker'),
  storage: StorageConfig.default({ sqlite: { file: 'joulebook.db', writerThread: true, create: 'if-missing' } }).describe(
    '`sqlite: {file, writerThread, create}` or `postgres: {url, schema, create}`. ' +
      '`create: if-missing` (default) makes a new database where none is; ' +
      '`create: never` refuses to start without it (a deleted file, an unmounted volume, a dropped schema). ' +
      'An empty, damaged or foreign SQLite file is always ' +
      'refused, named, and left as it is; `joulebook central --new-database` starts a new database there once. A new SQLite file is mode 0600',
  ),
  ingest: z
    .strictObject({
      maxDelayMs: z
        .number()
        .int()
        .min(0)
        .max(10_000)
        .default(5)
        .describe('a group of messages is stored at most this long after its first arrived'),
      maxReadings: z.number().int().min(1).default(10_000).describe('...or as soon as it holds this many readings'),
    })
    .prefault({}),
  model: z
    .strictObject({
      refreshS: z
        .number()
        .min(1)
        .max(3600)
        .default(10)
        .describe('how often the node looks for assignment and tariff edits stored by other central instances on the same database'),
    })
    .prefault({}),
  alerts: z
    .strictObject({
      webhooks: z
        .array(
          z.strictObject({
            url: z.string().url(),
            secret: z.string().optional().describe('signs each body: header x-joulebook-signature = sha256=<hex HMAC-SHA256>'),
          }),
        )
        .default([])
        .describe('every alert raised or cleared is POSTed here as JSON'),
    })
    .prefault({}),
  billing: z
    .strictObject({
      tariffs: z.string().describe('tariff file (docs/config-tariffs.md; example config/tariffs.example.yaml); relative to this file'),
      since: z
        .union([Month, z.record(z.string(), Month)])
        .describe("first month invoiced: 'YYYY-MM' for every site, or per site id; nothing earlier is caught up"),
      graceHours: z
        .number()
        .min(0)
        .max(24 * 14)
        .default(6)
        .describe("after a period's local end, how long late gateway data may still arrive before the drafts are made"),
      minMeasuredPct: z
        .number()
        .min(0)
        .max(100)
        .default(99)
        .describe('drafts with a smaller measured share of energy are held for review instead of being finalized'),
      recheckMonths: z
        .number()
        .int()
        .min(0)
        .max(24)
        .default(2)
        .describe('finalized months recomputed for late data; a change becomes a credit or debit note'),
      schedule: z
        .string()
        .default('7 * * * *')
        .describe('cron expression (UTC) of the run ticks; the run catches up whatever is due, so the tick only triggers it'),
      outputDir: z
        .string()
        .default('invoices')
        .describe('JSON, CSV, PDF and UBL e-invoice (.xml) of every finalized invoice and note; relative to dataDir'),
      webhook: z
        .strictObject({
          url: z.string().url(),
          secret: z.string().describe('header x-joulebook-signature: sha256=<hex HMAC-SHA256 of the body>'),
        })
        .optional()
        .describe('every finalized invoice and issued note is POSTed here with its PDF and e-invoice (retried until it is accepted)'),
    })
    .optional()
    .describe('monthly invoice runs; needs `inventory`'),
  lifecycle: z
    .strictObject({
      intervalMin: z
        .literal([5, 10, 15, 20, 30, 60])
        .default(15)
        .describe(
          'rollup interval in minutes: the counter at every edge and the energy and power of each interval are kept after raw ' +
            'readings age out; divisors of an hour keep the grid across DST. 15 carries 15-minute peak demand',
        ),
      rawDays: z
        .number()
        .int()
        .min(2)
        .max(36_500)
        .default(35)
        .describe(
          'raw readings are kept this long (and always until the months that need them are invoiced and final, and rolled up): ' +
            "35 covers a month's invoice and a late-data recheck",
        ),
      rollupYears: z
        .number()
        .int()
        .min(1)
        .max(100)
        .default(10)
        .describe('rollups are kept this long: what recomputes of old months, credit notes and year charts read'),
      historyDays: z
        .number()
        .int()
        .min(1)
        .max(36_500)
        .optional()
        .describe('events and alerts are kept this long; default: forever (invoices and notes are never removed)'),
      passS: z
        .number()
        .int()
        .min(5)
        .max(86_400)
        .default(60)
        .describe('how often the lifecycle pass runs (rollups of new data, then retention); one instance at a time builds'),
    })
    .prefault({})
    .describe('rollups and retention of the stored data (docs/storage.md); runs with `billing`'),
  api: z
    .strictObject({
      enabled: z.boolean().default(true).describe('serve the REST API (docs/api.md) when `inventory` is set'),
      host: z.string().default('127.0.0.1').describe('address the API listens on'),
      port: Port.default(8080),
      tls: z
        .strictObject({
          cert: z.string().describe('server certificate (PEM file); relative to this file'),
          key: z.string().describe('server key (PEM file); relative to this file'),
        })
        .optional()
        .describe('serve HTTPS instead of HTTP'),
      secureCookie: z
        .boolean()
        .optional()
        .describe('mark the session cookie Secure; default: on with tls (set it behind a TLS-terminating proxy)'),
      sessionHours: z
        .number()
        .min(0.1)
        .max(24 * 30)
        .default(12)
        .describe('how long a sign-in lasts'),
      trustProxy: z
        .array(AddressOrCidr)
        .min(1)
        .optional()
        .describe(
          'the reverse proxies in front of the API, by address or network (or `loopback`, `linklocal`, `uniquelocal`): ' +
            'a client address is taken from X-Forwarded-For only when the request comes from one of them. ' +
            'Default: none (the socket address counts; every client behind a proxy then shares its address)',
        ),
      signIn: z
        .strictObject({
          maxFailuresPerUsername: z
            .number()
            .int()
            .min(1)
            .max(1000)
            .default(5)
            .describe('failed sign-ins of one username (from any address) before it waits'),
          maxFailuresPerAddress: z
            .number()
            .int()
            .min(1)
            .max(100_000)
            .default(50)
            .describe(
              'failed sign-ins from one client address (any usernames) before it waits; keep it above the per-username limit, ' +
                'since users behind one proxy share its address unless trustProxy names it',
            ),
          windowMinutes: z
            .number()
            .min(1)
            .max(24 * 60)
            .default(15)
            .describe('how long a failure counts'),
        })
        .prefault({})
        .describe('failed sign-ins are limited per username and per client address; the attempt is counted before the password is checked'),
      metrics: z
        .enum(['staff', 'public', 'off'])
        .default('staff')
        .describe(
          'who may read GET /metrics: `staff` (a signed-in operator or read-only user, or their API token), ' +
            '`public` (anyone who reaches the API), `off` (not served)',
        ),
    })
    .prefault({})
    .describe('the REST API and the portal behind it: users, roles and tokens with `joulebook central user|token`'),
  log: z
    .strictObject({
      level: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace']).default('info'),
    })
    .prefault({}),
});
export type CentralConfig = z.infer<typeof CentralConfig>;
