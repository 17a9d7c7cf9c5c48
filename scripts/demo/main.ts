// `npm start`: the whole chain on one machine. A central node (embedded broker with a user per gateway,
// SQLite, inventory, tariffs, invoice runs), a simulated site of two rooms, and a gateway per room
// polling its simulated meters (Modbus TCP, RS-485) and PDUs (SNMP). First the previous month and this
// month so far are polled on a warped clock (history.ts says how, and why it is the real chain), then the
// central node's invoice run finalizes last month, and the gateways go on polling live until Ctrl-C.
// The composition root: every part is built here and stopped in reverse order.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { untilSignal } from '../../common/cli-args.js';
import { readCentralConfig } from '../../central/config/central-load.js';
import { centralLogger } from '../../central/log.js';
import { startCentral } from '../../central/main.js';
import { createLogger } from '../../common/log.js';
import { BUILTIN_PROFILES_DIR, PACKAGE_VERSION } from '../../gateway/paths.js';
import { loadCatalogs } from '../../gateway/profiles/load.js';
import { startGateway, type RunningGateway } from '../../gateway/main.js';
import { freePort, socatAvailable } from '../../sim/wiring.js';
import { parseDemoArgs } from './args.js';
import { WarpClock } from './clock.js';
import { writeDemoFiles } from './files.js';
import { gatewayConfig, HISTORY_STEP_MS, type Pace } from './gateways.js';
import { replayHistory } from './history.js';
import { createLogins, demoLogins } from './logins.js';
import { historyPlan } from './plan.js';
import { preferPort } from './ports.js';
import { liveText, readyText } from './report.js';
import { startRoomSims, type RoomSims } from './sims.js';
import { ROOMS, SITE } from './site.js';

const GRACE_MS = 2 * 3_600_000; // as central.yaml's billing.graceHours (files.ts)
const out = (s: string) => process.stdout.write(s);

const args = parseDemoArgs(process.argv.slice(2));
const level = process.env.JB_LOG_LEVEL ?? 'warn';
const plan = historyPlan(Date.now(), SITE.timeZone, GRACE_MS, HISTORY_STEP_MS);
const clock = new WarpClock({ startMs: plan.startMs });
const dir = resolve(args.dataDir ?? mkdtempSync(join(tmpdir(), 'joulebook-demo-')));
const mqtt = await preferPort(1883);
const apiPort = await preferPort(8080);
out(`Starting the Joulebook demo in ${dir} ...\n`);

const files = await writeDemoFiles({ dir, mqttPort: mqtt.port, apiPort: apiPort.port, fromDate: plan.fromDate, since: plan.month });
const config = await readCentralConfig(files.centralYaml);
const central = await startCentral({ config, clock, log: centralLogger(level) });
const billing = central.billing!;
const profiles = await loadCatalogs([BUILTIN_PROFILES_DIR]);
const socat = socatAvailable();
const sims: RoomSims[] = [];
for (const [i, room] of ROOMS.entries()) sims.push(await startRoomSims({ room, profiles, now: clock.now, socat, seedBase: i * 20 }));

const mqttUrl = `mqtt://127.0.0.1:${central.ports!.tcpPort}`;
const gwLog = createLogger(level);
const latest = ROOMS.map(() => new Map<string, number>());
const startGateways = (pace: Pace, statusPorts?: readonly number[]) =>
  Promise.all(
    ROOMS.map((room, i) =>
      startGateway({
        config: gatewayConfig(
          room,
          sims[i]!.wiring,
          { url: mqttUrl, ...files.gatewayUsers.get(room.gateway)! },
          join(dir, 'gateways', room.id),
          pace,
          statusPorts?.[i],
        ),
        configFile: `(demo ${room.gateway})`,
        profiles,
        clock,
        log: gwLog,
        version: PACKAGE_VERSION,
        clockFloorMs: plan.startMs,
        onReadings: (rs) => {
          for (const r of rs)
            if ((r.channel === 'total' || r.channel === 'inlet:1') && r.values.power_w !== undefined)
              latest[i]!.set(r.device, r.values.power_w);
        },
      }),
    ),
  );

out(`Polling ${plan.month} and this month so far on an accelerated clock ...\n`);
const historyGateways = await startGateways('history');
const history = await replayHistory({
  clock,
  plan,
  gateways: historyGateways,
  loops: ROOMS.reduce((n, r) => n + r.meters.length + r.pdus.length, 0),
  onProgress: (done, total) => {
    if (done % 168 === 0) out(`  ${new Date(clock.now()).toISOString().slice(0, 10)} (${Math.round((100 * done) / total)}%)\n`);
  },
});
for (const g of historyGateways) await g.stop();
clock.jumpTo(Date.now());
const statusPorts = [await freePort(), await freePort()];
const live: RunningGateway[] = await startGateways('live', statusPorts);
const logins = demoLogins();
await createLogins({ access: central.access!, log: gwLog }, logins);
await billing.runner.tick(); // what the schedule does every hour; at start its clock was still at the history's beginning
const invoices = await billing.store.invoices({ entity: SITE.id, period: plan.month });

out(
  readyText({
    dir,
    centralYaml: files.centralYaml,
    mqttUrl,
    mqttUsual: mqtt.usual,
    rs485: socat ? 'socat pty pairs, 19200 8E1' : 'RTU over TCP (socat is not installed)',
    history: { month: plan.month, ...history, readingsStored: central.pipeline.counters.snapshot().readingsStored },
    invoices,
    invoiceDir: config.billing!.outputDir,
    logins,
    portalUrl: central.api?.url,
    statusPages: ROOMS.map((r, i) => ({ gateway: r.gateway, url: `http://127.0.0.1:${statusPorts[i]}/` })),
    durationS: args.durationS,
  }),
);

const status = setInterval(
  () =>
    out(
      liveText(
        ROOMS.map((r, i) => ({
          gateway: r.gateway,
          powerW: latest[i]!,
          acked: live[i]!.publisher.counters.get('entries_acked'),
          outbox: live[i]!.outbox.size.entries,
        })),
        central.pipeline.counters.snapshot().readingsStored,
        clock.now(),
      ),
    ),
  5000,
);
await (args.durationS ? new Promise((r) => setTimeout(r, args.durationS! * 1000)) : untilSignal());
clearInterval(status);
out('stopping ...\n');
for (const g of live) await g.stop();
for (const s of sims) await s.close();
await central.stop();
out(`stopped. The demo's files stay in ${dir}\n`);
