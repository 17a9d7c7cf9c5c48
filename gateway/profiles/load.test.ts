import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import t from 'tap';
import { isCounter } from '../../protocol/measurements.js';
import { ConfigError } from '../../common/issues.js';
import { loadProfiles, parseProfile } from './load.js';

const BUILTIN = fileURLToPath(new URL('../../config/profiles/', import.meta.url));
const FILE = 'test-meter.yaml';

const FIELD_V = '    - { measurement: voltage_v, address: 0, type: f32, source: ds }';

/** A small valid profile; each part can be replaced to break it in one place. */
function profileYaml(parts: { top?: string; serial?: string; identify?: string; fields?: string[] } = {}): string {
  return `
id: test-meter
manufacturer: Acme
model: M1
sources:
  ds: Acme M1 datasheet, register table
${parts.top ?? ''}
modbus:
  maxRegistersPerRequest: 60
  maxRegistersSource: ds
  defaults: { function: input }
  serial:
${parts.serial ?? '    - { function: holding, address: 100, type: u32, source: ds }'}
  identify:
${parts.identify ?? '    - { address: 0x46, type: f32, range: [45, 65], source: ds }'}
  fields:
${(parts.fields ?? [FIELD_V]).join('\n')}
`;
}

t.test('the built-in profiles all load, and every energy field is a counter', async (t) => {
  const catalog = await loadProfiles([BUILTIN]);
  t.same(
    [...catalog.keys()].sort(),
    ['abb-b23', 'carlo-gavazzi-em24', 'eastron-sdm630', 'janitza-umg96rm', 'schneider-iem3255', 'siemens-pac2200', 'socomec-diris-a40'],
    'all seven profiles',
  );
  for (const p of catalog.values()) {
    const energy = p.fields.filter((f) => isCounter(f.measurement));
    t.ok(energy.length > 0, `${p.id}: has energy fields`);
    t.ok(
      energy.every((f) => f.counter && [16, 32, 64].includes(f.counter.bits) && f.counter.resolutionKwh > 0),
      `${p.id}: every energy field has a counter`,
    );
    t.ok(
      p.fields.filter((f) => !isCounter(f.measurement)).every((f) => f.counter === undefined),
      `${p.id}: only energy fields are counters`,
    );
    t.ok(
      p.fields.some((f) => f.measurement === 'energy_import_kwh'),
      `${p.id}: imports are metered`,
    );
    t.ok(
      p.fields.every((f) => f.type !== 'string'),
      `${p.id}: measurements are numeric`,
    );
    t.ok(p.identify.length > 0, `${p.id}: can be identified`);
    t.ok(p.maxRegistersPerRequest >= 1 && p.maxRegistersPerRequest <= 125, `${p.id}: read limit ${p.maxRegistersPerRequest}`);
    t.ok(
      p.fields.every((f) => f.notAvailable.every((s) => /^[0-9a-f]+$/.test(s) && s.length === f.words * 4)),
      `${p.id}: sentinels normalised, one hex digit per nibble`,
    );
    t.equal(new Set(p.fields.map((f) => f.key)).size, p.fields.length, `${p.id}: each measurement and channel once`);
  }
});

t.test('a small inline profile resolves with its defaults', async (t) => {
  const r = parseProfile(
    profileYaml({
      fields: [
        FIELD_V,
        '    - { measurement: power_w, channel: l1, address: 2, type: i32, scale: 0.01, notAvailable: ["0x7FFFFFFF", "80000000"], source: ds }',
        '    - { measurement: energy_import_kwh, function: holding, address: 200, type: u64, wordOrder: little, counter: { bits: 64, resolutionKwh: 0.001 }, scale: 0.001, source: ds }',
      ],
    }),
    FILE,
  );
  t.same(r.issues, []);
  const p = r.profile!;
  t.match(p, { id: 'test-meter', manufacturer: 'Acme', model: 'M1', maxRegistersPerRequest: 60, maxGapRegisters: 0, identifyPriority: 0 });
  t.same(
    p.fields[0],
    {
      fn: 'input',
      address: 0,
      words: 2,
      type: 'f32',
      wordOrder: 'big',
      byteOrder: 'big',
      key: 'voltage_v:total',
      measurement: 'voltage_v',
      channel: 'total',
      scale: 1,
      offset: 0,
      notAvailable: [],
    },
    'defaults filled in',
  );
  t.same(p.fields[1]!.notAvailable, ['7fffffff', '80000000'], 'sentinels lower-cased, 0x dropped');
  t.match(p.fields[2], { fn: 'holding', words: 4, wordOrder: 'little', counter: { bits: 64, resolutionKwh: 0.001 } });
  t.same(p.serial, [{ fn: 'holding', address: 100, words: 2, type: 'u32', wordOrder: 'big', byteOrder: 'big' }]);
  t.same(p.identify, [{ fn: 'input', address: 0x46, words: 2, type: 'f32', wordOrder: 'big', byteOrder: 'big', range: [45, 65] }]);
});

t.test('parseProfile reports each kind of mistake with file and path', async (t) => {
  const cases: { name: string; text: string; path: string; message: RegExp }[] = [
    {
      name: 'unknown source key',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0, type: f32, source: manual }'] }),
      path: 'modbus.fields[0].source',
      message: /unknown source "manual" \(sources: ds\)/,
    },
    {
      name: 'unknown source in a probe',
      text: profileYaml({ identify: '    - { address: 0x46, type: f32, range: [45, 65], source: web }' }),
      path: 'modbus.identify[0].source',
      message: /unknown source "web"/,
    },
    {
      name: 'string without words',
      text: profileYaml({ serial: '    - { function: holding, address: 100, type: string, source: ds }' }),
      path: 'modbus.serial[0].words',
      message: /a string needs its register count/,
    },
    {
      name: 'wrong words for a type',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0, type: f32, words: 4, source: ds }'] }),
      path: 'modbus.fields[0].words',
      message: /f32 occupies 2 register\(s\), not 4/,
    },
    {
      name: 'wrong words for a u64',
      text: profileYaml({
        fields: [
          FIELD_V,
          '    - { measurement: energy_import_kwh, address: 10, type: u64, words: 2, counter: { bits: 64, resolutionKwh: 0.01 }, source: ds }',
        ],
      }),
      path: 'modbus.fields[1].words',
      message: /u64 occupies 4 register\(s\), not 2/,
    },
    {
      name: 'overlapping registers',
      text: profileYaml({ fields: [FIELD_V, '    - { measurement: voltage_v, channel: l1, address: 1, type: f32, source: ds }'] }),
      path: 'modbus.fields[1].address',
      message: /registers overlap fields\[0\]/,
    },
    {
      name: 'energy field without counter',
      text: profileYaml({ fields: [FIELD_V, '    - { measurement: energy_import_kwh, address: 10, type: f32, source: ds }'] }),
      path: 'modbus.fields[1].counter',
      message: /energy_import_kwh is an energy counter/,
    },
    {
      name: 'counter on a sample',
      text: profileYaml({
        fields: ['    - { measurement: voltage_v, address: 0, type: f32, counter: { bits: 32, resolutionKwh: 0.01 }, source: ds }'],
      }),
      path: 'modbus.fields[0].counter',
      message: /only energy_\* measurements are counters/,
    },
    {
      name: 'duplicate measurement and channel',
      text: profileYaml({ fields: [FIELD_V, '    - { measurement: voltage_v, channel: total, address: 10, type: f32, source: ds }'] }),
      path: 'modbus.fields[1]',
      message: /voltage_v on channel total is already mapped by fields\[0\]/,
    },
    {
      name: 'string measurement',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0, type: string, words: 2, source: ds }'] }),
      path: 'modbus.fields[0].type',
      message: /a measurement must be numeric/,
    },
    {
      name: 'value past register 65535',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0xFFFF, type: f32, source: ds }'] }),
      path: 'modbus.fields[0].address',
      message: /runs past register 65535/,
    },
    {
      name: 'unknown top-level key',
      text: profileYaml({ top: 'vendor: Acme' }),
      path: '(root)',
      message: /vendor/,
    },
    {
      name: 'unknown key in a field',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0, type: f32, unit: V, source: ds }'] }),
      path: 'modbus.fields[0]',
      message: /unit/,
    },
    {
      name: 'unknown measurement',
      text: profileYaml({ fields: ['    - { measurement: voltage_mv, address: 0, type: f32, source: ds }'] }),
      path: 'modbus.fields[0].measurement',
      message: /.+/,
    },
    {
      name: 'sentinel that is not hex',
      text: profileYaml({ fields: ['    - { measurement: voltage_v, address: 0, type: f32, notAvailable: [NaN!], source: ds }'] }),
      path: 'modbus.fields[0].notAvailable[0]',
      message: /hex digits/,
    },
    {
      // YAML reads 80000000 (and 0xFFFF) as numbers: sentinels of digits only must be quoted.
      name: 'unquoted all-digit sentinel',
      text: profileYaml({
        fields: ['    - { measurement: voltage_v, address: 0, type: f32, notAvailable: [FFFFFFFF, 80000000], source: ds }'],
      }),
      path: 'modbus.fields[0].notAvailable[1]',
      message: /expected string, received number/,
    },
    {
      name: 'YAML syntax error',
      text: 'id: x\nmodbus: { fields: [\n',
      path: 'line 3:1',
      message: /.+/,
    },
  ];
  for (const c of cases) {
    const r = parseProfile(c.text, FILE);
    t.equal(r.profile, undefined, `${c.name}: rejected`);
    const hit = r.issues.find((i) => i.path === c.path);
    t.ok(hit, `${c.name}: issue at ${c.path} (got ${r.issues.map((i) => i.path).join(', ')})`);
    t.equal(hit?.file, FILE, `${c.name}: names the file`);
    t.match(hit?.message, c.message, `${c.name}: message`);
  }
});

t.test('parseProfile reports every resolve problem at once', async (t) => {
  const r = parseProfile(
    profileYaml({
      serial: '    - { function: holding, address: 100, type: string, source: ds }',
      fields: [
        '    - { measurement: voltage_v, address: 0, type: f32, words: 1, source: nope }',
        '    - { measurement: voltage_v, address: 1, type: f32, source: ds }',
        '    - { measurement: energy_export_kwh, address: 10, type: f32, source: ds }',
      ],
    }),
    FILE,
  );
  t.equal(r.profile, undefined);
  t.same(
    r.issues.map((i) => i.path),
    [
      'modbus.fields[0].source',
      'modbus.fields[0].words',
      'modbus.fields[2].counter',
      'modbus.fields[1]',
      'modbus.fields[1].address',
      'modbus.serial[0].words',
    ],
  );
  t.ok(
    r.issues.every((i) => i.file === FILE),
    'all with the file',
  );
});

t.test('loadProfiles collects problems across files and catches duplicate ids', async (t) => {
  const dir = await mkdtemp(join(tmpdir(), 'joulebook-profiles-'));
  t.teardown(() => rm(dir, { recursive: true, force: true }));
  await writeFile(join(dir, 'a.yaml'), profileYaml());
  await writeFile(join(dir, 'b.yml'), profileYaml());
  await writeFile(join(dir, 'c.yaml'), profileYaml({ top: 'colour: red' }));
  await writeFile(join(dir, 'notes.txt'), 'not a profile');
  const err = await loadProfiles([dir]).then(
    () => undefined,
    (e: unknown) => e,
  );
  t.type(err, ConfigError);
  const issues = (err as ConfigError).issues;
  t.same(
    issues.map((i) => [i.file, i.path]),
    [
      [join(dir, 'b.yml'), 'id'],
      [join(dir, 'c.yaml'), '(root)'],
    ],
  );
  t.match(issues[0]!.message, `profile id "test-meter" is already defined in ${join(dir, 'a.yaml')}`);

  const extra = await mkdtemp(join(tmpdir(), 'joulebook-profiles-'));
  t.teardown(() => rm(extra, { recursive: true, force: true }));
  await writeFile(join(extra, 'm1.yaml'), profileYaml());
  const both = await loadProfiles([BUILTIN, extra]);
  t.equal(both.size, 8, 'an extra folder adds its profiles to the built-in ones');
  t.equal(both.get('test-meter')?.model, 'M1');
});

t.test('a sentinel must span the whole value', async (t) => {
  const yaml = [
    'id: bad-sentinel',
    'manufacturer: X',
    'model: Y',
    'sources: { ds: datasheet }',
    'modbus:',
    '  maxRegistersPerRequest: 10',
    '  maxRegistersSource: ds',
    '  identify: [{ address: 0, source: ds }]',
    '  fields:',
    '    - { measurement: voltage_v, address: 0, type: u32, notAvailable: ["FFFF"], source: ds }',
    '',
  ].join('\n');
  const r = parseProfile(yaml, 'bad.yaml');
  t.equal(r.profile, undefined);
  t.match(r.issues, [{ file: 'bad.yaml', path: 'modbus.fields[0].notAvailable[0]', message: /4 hex digits; a u32 spans 8/ }]);
});
