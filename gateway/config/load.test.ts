import t, { type Test } from 'tap';
import { ConfigError, type ConfigIssue } from '../../common/issues.js';
import { checkProfiles, parseGatewayConfig } from './load.js';

const FILE = '/etc/joulebook/gateway.yaml';

/** The issues a config text is rejected with; fails the test if it is accepted. */
function issuesOf(t: Test, text: string): ConfigIssue[] {
  try {
    parseGatewayConfig(text, FILE);
  } catch (err) {
    t.type(err, ConfigError, 'rejected with a ConfigError');
    return [...(err as ConfigError).issues];
  }
  t.fail('config was accepted');
  return [];
}

const MINIMAL = `
gateway: { id: gw-fra1-r101, site: fra1, room: r101 }
buses:
  - { id: rs485-a, type: rtu, path: /dev/ttyUSB0 }
  - { id: tcp-1, type: tcp, host: 10.0.0.5 }
  - { id: moxa, type: rtu-over-tcp, host: 10.0.0.6, port: 4001 }
devices:
  - { id: busbar-a1, bus: rs485-a, unit: 1, profile: eastron-sdm630 }
  - { id: pdu-7, bus: tcp-1, unit: 7, profile: janitza-umg96rm }
`;

t.test('a minimal config gets its defaults', async (t) => {
  const cfg = parseGatewayConfig(MINIMAL, FILE);
  t.same(cfg.gateway, { id: 'gw-fra1-r101', site: 'fra1', room: 'r101' });
  t.same(cfg.log, { level: 'info' });
  t.same(cfg.profiles, { dirs: [] });
  t.same(
    cfg.buses[0],
    {
      id: 'rs485-a',
      type: 'rtu',
      path: '/dev/ttyUSB0',
      baudRate: 9600,
      parity: 'none',
      stopBits: 1,
      frameGapMs: 25,
      turnaroundDelayMs: 0,
      connectTimeoutMs: 3000,
    },
    'rtu bus defaults',
  );
  t.same(
    cfg.buses[1],
    { id: 'tcp-1', type: 'tcp', host: '10.0.0.5', port: 502, maxStaleFrames: 3, turnaroundDelayMs: 0, connectTimeoutMs: 3000 },
    'tcp bus defaults',
  );
  t.same(
    cfg.buses[2],
    { id: 'moxa', type: 'rtu-over-tcp', host: '10.0.0.6', port: 4001, frameGapMs: 25, turnaroundDelayMs: 0, connectTimeoutMs: 3000 },
    'rtu-over-tcp defaults, no line',
  );
  t.same(
    cfg.devices[0],
    {
      id: 'busbar-a1',
      bus: 'rs485-a',
      unit: 1,
      profile: 'eastron-sdm630',
      timeoutMs: 500,
      retries: 1,
      backoffBaseMs: 5000,
      backoffMaxMs: 300_000,
      energyIntervalMs: 15_000,
      fullIntervalMs: 60_000,
    },
    'device defaults',
  );
  t.equal(cfg.devices[1]!.timeoutMs, 500);
  t.equal(cfg.devices[1]!.retries, 1);
});

t.test('only the gateway section is required', async (t) => {
  const cfg = parseGatewayConfig('gateway: { id: gw, site: s, room: r }\n', FILE);
  t.match(cfg, {
    gateway: { id: 'gw', site: 's', room: 'r' },
    dataDir: './data',
    log: { level: 'info' },
    profiles: { dirs: [] },
    buses: [],
    devices: [],
    snmp: { concurrency: 16, pdus: [] },
    mqtt: { url: 'mqtt://127.0.0.1:1883', inFlight: 16, replayReadingsPerS: 25000 },
    outbox: { maxBytes: 8_000_000_000, maxAgeDays: 30, commitIntervalMs: 1000 },
  });
  t.same(
    issuesOf(t, ''),
    [{ file: FILE, path: 'gateway', message: 'Invalid input: expected object, received undefined' }],
    'an empty file names the missing section',
  );
});

t.test('explicit values override the defaults', async (t) => {
  const cfg = parseGatewayConfig(
    `
gateway: { id: gw, site: s, room: r }
log: { level: debug }
profiles: { dirs: [./extra] }
buses:
  - { id: a, type: rtu, path: /dev/ttyS0, baudRate: 19200, parity: even, stopBits: 2, frameGapMs: 5 }
devices:
  - { id: d, bus: a, unit: 247, profile: p, timeoutMs: 1000, retries: 0, energyIntervalMs: 5000, fullIntervalMs: 5000 }
`,
    FILE,
  );
  t.equal(cfg.log.level, 'debug');
  t.same(cfg.profiles.dirs, ['./extra']);
  t.match(cfg.buses[0], { baudRate: 19200, parity: 'even', stopBits: 2, frameGapMs: 5 });
  t.match(cfg.devices[0], { unit: 247, timeoutMs: 1000, retries: 0, energyIntervalMs: 5000, fullIntervalMs: 5000 });
});

t.test('schema problems are all reported at once, with file and path', async (t) => {
  const issues = issuesOf(
    t,
    `
gateway: { id: gw, site: s }
colour: red
buses:
  - { id: a, type: rtu, path: /dev/ttyUSB0, baudRate: 300 }
  - { id: b, type: serial, path: /dev/ttyUSB1 }
  - { id: c, type: tcp, host: h, port: 70000 }
devices:
  - { id: d1, bus: a, unit: 0, profile: p, colour: blue }
  - { id: d2, bus: a, unit: 2, profile: p, retries: 9, timeoutMs: 5 }
  - { id: "bad id", bus: a, unit: 3, profile: "" }
`,
  );
  t.ok(
    issues.every((i) => i.file === FILE),
    'every issue names the file',
  );
  const paths = issues.map((i) => i.path).sort();
  t.same(
    paths,
    [
      '(root)',
      'buses[0].baudRate',
      'buses[1].type',
      'buses[2].port',
      'devices[0]',
      'devices[0].unit',
      'devices[1].retries',
      'devices[1].timeoutMs',
      'devices[2].id',
      'devices[2].profile',
      'gateway.room',
    ],
    'every problem, each at its path',
  );
  const byPath = new Map(issues.map((i) => [i.path, i.message]));
  t.match(byPath.get('(root)'), /colour/, 'unknown top-level key named');
  t.match(byPath.get('devices[0]'), /colour/, 'unknown device key named');
  t.match(byPath.get('buses[0].baudRate'), /1200/, 'baud rate bound named');
  t.match(byPath.get('devices[2].id'), /letters, digits/, 'id rule explained');
});

t.test('cross-references are all reported at once', async (t) => {
  const issues = issuesOf(
    t,
    `
gateway: { id: gw, site: s, room: r }
buses:
  - { id: a, type: rtu, path: /dev/ttyUSB0 }
  - { id: a, type: tcp, host: h }
  - { id: b, type: tcp, host: h2 }
devices:
  - { id: d1, bus: a, unit: 1, profile: p }
  - { id: d2, bus: nowhere, unit: 2, profile: p }
  - { id: d1, bus: b, unit: 3, profile: p }
  - { id: d4, bus: a, unit: 1, profile: p }
  - { id: d5, bus: b, unit: 1, profile: p, energyIntervalMs: 120000 }
`,
  );
  t.same(issues, [
    { file: FILE, path: 'buses[1].id', message: 'duplicate id "a" (also buses[0])' },
    { file: FILE, path: 'devices[2].id', message: 'duplicate id "d1" (also devices[0])' },
    { file: FILE, path: 'devices[1].bus', message: 'unknown bus "nowhere" (buses: a, b)' },
    { file: FILE, path: 'devices[3].unit', message: 'unit 1 on bus a is already devices[0]' },
    { file: FILE, path: 'devices[4].energyIntervalMs', message: 'energy counters cannot be read less often than the full set' },
  ]);
});

t.test('the same unit on different buses is fine; no buses at all is named', async (t) => {
  const cfg = parseGatewayConfig(
    `
gateway: { id: gw, site: s, room: r }
buses: [{ id: a, type: tcp, host: h }, { id: b, type: tcp, host: h2 }]
devices: [{ id: d1, bus: a, unit: 1, profile: p }, { id: d2, bus: b, unit: 1, profile: p }]
`,
    FILE,
  );
  t.equal(cfg.devices.length, 2);
  t.same(
    issuesOf(
      t,
      `
gateway: { id: gw, site: s, room: r }
devices: [{ id: d1, bus: a, unit: 1, profile: p }]
`,
    ),
    [{ file: FILE, path: 'devices[0].bus', message: 'unknown bus "a" (buses: none)' }],
  );
});

t.test('YAML syntax errors name the line', async (t) => {
  const cases = [
    // The parser notices the unclosed brace where the next block line starts.
    {
      name: 'unclosed flow mapping',
      text: 'gateway: { id: gw, site: s, room: r }\nbuses:\n  - { id: a, type: tcp, host: h\ndevices: []\n',
      line: 4,
    },
    { name: 'bad indentation', text: 'gateway:\n  id: gw\n site: s\n', line: 3 },
    { name: 'duplicate key', text: 'gateway: { id: gw, site: s, room: r }\nbuses: []\nbuses: []\n', line: 3 },
    { name: 'tab indentation', text: 'gateway:\n\tid: gw\n', line: 2 },
  ];
  for (const c of cases) {
    const issues = issuesOf(t, c.text);
    t.ok(issues.length >= 1, `${c.name}: reported`);
    t.equal(issues[0]?.file, FILE, `${c.name}: file`);
    t.match(issues[0]?.path, new RegExp(`^line ${c.line}:\\d+$`), `${c.name}: line ${c.line} (got ${issues[0]?.path})`);
    t.ok((issues[0]?.message ?? '').length > 0 && !issues[0]!.message.includes('\n'), `${c.name}: one-line message`);
  }
  t.same(
    issuesOf(t, 'gateway: { id: gw, site: s, room: r }\nlog: { level: info }\nlog: { level: debug }\n'),
    [{ file: FILE, path: 'line 3:1', message: 'Map keys must be unique' }],
    'the whole issue for a duplicate key',
  );
});

t.test('checkProfiles flags devices whose profile is unknown', async (t) => {
  const cfg = parseGatewayConfig(
    `
gateway: { id: gw, site: s, room: r }
buses: [{ id: a, type: tcp, host: h }]
devices:
  - { id: d1, bus: a, unit: 1, profile: eastron-sdm630 }
  - { id: d2, bus: a, unit: 2, profile: eastron-sdm640 }
  - { id: d3, bus: a, unit: 3, profile: abb-b23 }
  - { id: d4, bus: a, unit: 4, profile: nope }
`,
    FILE,
  );
  const known = { modbus: new Set(['eastron-sdm630', 'abb-b23']), snmp: new Set(['apc-rpdu2']) };
  t.same(checkProfiles(cfg, FILE, known), [
    { file: FILE, path: 'devices[1].profile', message: 'unknown meter profile "eastron-sdm640" (known: abb-b23, eastron-sdm630)' },
    { file: FILE, path: 'devices[3].profile', message: 'unknown meter profile "nope" (known: abb-b23, eastron-sdm630)' },
  ]);
  t.same(
    checkProfiles(cfg, FILE, { modbus: new Set(['eastron-sdm630', 'eastron-sdm640', 'abb-b23', 'nope']), snmp: new Set() }),
    [],
    'all known',
  );
});
