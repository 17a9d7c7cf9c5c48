// `npm start`: the whole chain as far as it exists. Simulated meters on a Modbus TCP gateway and on an
// RS-485 line (a socat pty pair; RTU over TCP if socat is missing) and simulated rack PDUs over SNMP,
// polled by a real gateway that commits every reading to its outbox and publishes it over MQTT to an
// embedded broker, where a subscriber counts what arrives; shown live.
import type { Reading } from '../protocol/reading.js';
import { systemClock } from '../gateway/clock.js';
import { GatewayConfig } from '../gateway/config/schema.js';
import { createLogger } from '../gateway/log.js';
import { loadCatalogFor } from '../gateway/main.js';
import { PACKAGE_VERSION } from '../gateway/paths.js';
import { startGateway } from '../gateway/run.js';
import { ReadingsMessage } from '../protocol/wire.js';
import { fmt, renderTable } from '../gateway/status/table.js';
import { untilSignal } from '../cli/args.js';
import { startModbusSim, type ModbusSim } from '../sim/modbus/start.js';
import { startSnmpSim } from '../sim/snmp/start.js';
import { Aedes } from 'aedes';
import mqtt from 'mqtt';
import { mkdtempSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { freePort, ptyPair, socatAvailable, type PtyPair } from '../sim/wiring.js';

const SPEED = 60; // a simulated minute per second, so counters visibly move

async function rs485Line(): Promise<PtyPair | undefined> {
  return socatAvailable() ? ptyPair(['rs485-sim', 'rs485-gw']) : undefined;
}

const durationArg = process.argv.indexOf('--duration-s');
const durationS = durationArg > 0 ? Number(process.argv[durationArg + 1]) : undefined;
const log = createLogger(process.env.JB_LOG_LEVEL ?? 'warn');

// The MQTT broker the central node embeds (aedes), in this process, and a subscriber standing in for central.
const mqttPort = await freePort();
const broker = await Aedes.createBroker();
const brokerServer = createServer(broker.handle).listen(mqttPort, '127.0.0.1');
const tcpPort = await freePort();
const apcPort = await freePort();
const raritanPort = await freePort();
const pty = await rs485Line();
const rtuLine = { baudRate: 19200, parity: 'even', stopBits: 1 } as const;
const rawConfig = {
  gateway: { id: 'demo-gw-r101', site: 'ams1', room: 'r101' },
  dataDir: mkdtempSync(join(tmpdir(), 'joulebook-demo-data-')),
  mqtt: { url: `mqtt://127.0.0.1:${mqttPort}`, statusIntervalMs: 5000 },
  outbox: { commitIntervalMs: 500 },
  buses: [
    { id: 'tcp-gw', type: 'tcp', host: '127.0.0.1', port: tcpPort },
    pty ? { id: 'rs485-1', type: 'rtu', path: pty.b, ...rtuLine } : { id: 'rs485-1', type: 'rtu-over-tcp', host: '127.0.0.1', port: await freePort(), line: rtuLine },
  ],
  devices: [
    { id: 'ups-a-out', bus: 'tcp-gw', unit: 1, profile: 'janitza-umg96rm' },
    { id: 'busbar-a1', bus: 'tcp-gw', unit: 2, profile: 'schneider-iem3255' },
    { id: 'busbar-b1', bus: 'tcp-gw', unit: 3, profile: 'siemens-pac2200' },
    { id: 'branch-a1-01', bus: 'rs485-1', unit: 1, profile: 'eastron-sdm630' },
    { id: 'branch-a1-02', bus: 'rs485-1', unit: 2, profile: 'eastron-sdm630' },
    { id: 'branch-b1-01', bus: 'rs485-1', unit: 3, profile: 'abb-b23' },
    { id: 'branch-b1-02', bus: 'rs485-1', unit: 4, profile: 'socomec-diris-a40' },
  ].map((d) => ({ ...d, energyIntervalMs: 1000, fullIntervalMs: 2000, timeoutMs: 300 })),
  snmp: {
    pdus: [
      { id: 'pdu-r12-a', host: '127.0.0.1', port: apcPort, profile: 'apc-rpdu2' },
      { id: 'pdu-r12-b', host: '127.0.0.1', port: apcPort + 1, profile: 'apc-rpdu2' },
      { id: 'pdu-r14-a', host: '127.0.0.1', port: raritanPort, profile: 'raritan-px' },
    ].map((p) => ({ ...p, energyIntervalMs: 1000, fullIntervalMs: 2000 })),
  },
};
const config = GatewayConfig.parse(rawConfig);
const profiles = await loadCatalogFor(config, '(demo)');
const profile = (id: string) => profiles.modbus.get(id)!;
const onBus = (bus: string) => config.devices.filter((d) => d.bus === bus).map((d) => ({ unit: d.unit, profile: profile(d.profile), basePowerW: d.id.startsWith('branch') ? 900 : 9000 }));
const rtuBus = config.buses[1]!;

const pduSims = [
  await startSnmpSim({ profile: profiles.snmp.get('apc-rpdu2')!, host: '127.0.0.1', port: apcPort, pdus: 2, outlets: 24, speed: SPEED }),
  await startSnmpSim({ profile: profiles.snmp.get('raritan-px')!, host: '127.0.0.1', port: raritanPort, pdus: 1, outlets: 12, chained: 2, speed: SPEED }),
];
const sims: ModbusSim[] = [
  await startModbusSim({ wire: { kind: 'tcp', host: '127.0.0.1', port: tcpPort }, meters: onBus('tcp-gw'), speed: SPEED }),
  await startModbusSim({
    wire: rtuBus.type === 'rtu' ? { kind: 'serial', path: pty!.a, line: rtuLine, lineTiming: true } : { kind: 'rtu-over-tcp', host: '127.0.0.1', port: (rtuBus as { port: number }).port, line: rtuLine, lineTiming: true },
    meters: onBus('rs485-1'), turnaroundMs: 5, speed: SPEED,
  }),
];

const received = new Set<string>();
const subscriber = await mqtt.connectAsync(`mqtt://127.0.0.1:${mqttPort}`, { clientId: 'demo-central', clean: false });
subscriber.on('message', (_t, payload) => {
  for (const r of ReadingsMessage.parse(JSON.parse(payload.toString())).readings) received.add(`${r.device}|${r.channel}|${r.ts}`);
});
await subscriber.subscribeAsync('joulebook/v1/+/+/readings', { qos: 1 });

const latest = new Map<string, Map<string, Reading>>();
const running = await startGateway({
  config, configFile: '(demo)', profiles, clock: systemClock, log, version: PACKAGE_VERSION,
  onReadings: (rs) => {
    for (const r of rs) {
      const byChannel = latest.get(r.device) ?? new Map<string, Reading>();
      byChannel.set(r.channel, { ...r, values: { ...byChannel.get(r.channel)?.values, ...r.values } });
      latest.set(r.device, byChannel);
    }
  },
});
const gw = running.acquisition;

function pduRows(): string[][] {
  return [...latest.entries()].filter(([device]) => device.startsWith('pdu-')).sort(([a], [b]) => a.localeCompare(b)).map(([device, chans]) => {
    const main = chans.get('total') ?? chans.get('inlet:1');
    const outlets = [...chans.keys()].filter((c) => c.startsWith('outlet:')).length;
    const agent = gw.pdus.get(device.split('.')[0]!)!;
    const c = agent.client.counters.snapshot().counts;
    const pdu = config.snmp.pdus.find((p) => p.id === agent.id)!;
    return [device, pdu.profile, `snmp ${outlets} outlets`, fmt(main?.values.energy_import_kwh, 3), fmt(main?.values.power_w, 0),
      fmt(chans.get('phase:1')?.values.voltage_v ?? chans.get('pole:1')?.values.voltage_v ?? main?.values.voltage_v, 1), fmt(main?.values.frequency_hz, 2), '-', String((c.timeouts ?? 0) + (c.errors ?? 0))];
  });
}

function view(): string {
  const rows = config.devices.map((d) => {
    const dev = gw.devices.get(d.id)!;
    const total = latest.get(d.id)?.get('total');
    const l1 = latest.get(d.id)?.get('l1');
    const c = dev.counters.snapshot();
    const faults = (c.counts.timeouts ?? 0) + (c.counts.crc_errors ?? 0) + (c.counts.garbage ?? 0) + (c.counts.exceptions ?? 0);
    return [d.id, d.profile, `${d.bus}/${d.unit}`, fmt(total?.values.energy_import_kwh, 3), fmt(total?.values.power_w, 0),
      fmt(l1?.values.voltage_v ?? total?.values.voltage_v, 1), fmt(total?.values.frequency_hz, 2), fmt(c.latency.meanMs, 1), String(faults)];
  });
  const head = ['device', 'profile', 'bus/unit', 'import kWh', 'power W', 'V L1', 'Hz', 'ms/req', 'faults'];
  const buses = [...gw.buses.values()].map((b) => `${b.name}: ${b.counters.get('requests')} requests, ${b.counters.get('timeouts')} timeouts`).join('; ');
  rows.push(...pduRows());
  const pub = running.publisher.counters;
  const mqttLine = `MQTT (embedded broker mqtt://127.0.0.1:${mqttPort}): ${pub.get('entries_acked')} readings acknowledged in ${pub.get('acked')} messages, ` +
    `outbox holds ${running.outbox.size.entries}; the subscriber received ${received.size} distinct readings`;
  return `Joulebook gateway ${config.gateway.id} (site ${config.gateway.site}, room ${config.gateway.room}); simulated time x${SPEED}\n` +
    `RS-485 line: ${rtuBus.type === 'rtu' ? `socat pty pair ${rtuBus.path}` : 'RTU over TCP (socat not installed)'}, 19200 8E1, line-timed\n\n` +
    `${renderTable(head, rows)}\n\n${buses}\n${mqttLine}\n${durationS ? '' : 'Ctrl-C to stop.'}`;
}

const tty = process.stdout.isTTY;
const timer = setInterval(() => process.stdout.write(tty ? `\x1b[2J\x1b[H${view()}\n` : `${view()}\n\n`), tty ? 1000 : 5000);
await (durationS ? new Promise((r) => setTimeout(r, durationS * 1000)) : untilSignal());
clearInterval(timer);
await running.acquisition.stop();
// Let the last messages reach the subscriber before the final picture.
for (let i = 0; i < 40 && received.size < running.publisher.counters.get('entries_acked'); i++) await new Promise((r) => setTimeout(r, 50));
const finalView = view();
await running.stop();
await subscriber.endAsync(true);
await Promise.all([...sims, ...pduSims].map((s) => s.close()));
brokerServer.close();
await new Promise<void>((r) => broker.close(() => r()));
pty?.close();
process.stdout.write(`${finalView}\nstopped.\n`);
