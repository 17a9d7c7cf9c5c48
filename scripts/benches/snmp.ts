// 100 simulated APC PDUs x 48 outlets (the simulator in its own process): one full poll of all of them by
// our gateway (GETBULK on just the needed columns, 16 PDUs at a time), against Debian's snmpbulkwalk
// fetching the same tables from the same agents one PDU after another, in the same run.
import { execFile, spawn } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { pino } from 'pino';
import { systemClock } from '../../common/clock.js';
import { SnmpAgent } from '../../gateway/drivers/snmp/agent.js';
import { SnmpClient } from '../../gateway/drivers/snmp/session.js';
import { PACKAGE_ROOT, BUILTIN_PROFILES_DIR } from '../../gateway/paths.js';
import { Limiter } from '../../gateway/polling/limiter.js';
import { loadCatalogs } from '../../gateway/profiles/load.js';
import { freeUdpPortRange } from '../../sim/wiring.js';
import type { Bench } from '../bench.js';
import { round } from './round.js';

const PDUS = 100;
const OUTLETS = 48;
const CYCLES = 3;
const run = promisify(execFile);

export const snmpBench: Bench = {
  name: 'snmp',
  description: `${PDUS} simulated PDUs x ${OUTLETS} outlets: our poller vs snmpbulkwalk on the same agents`,
  async run(out) {
    const profile = (await loadCatalogs([BUILTIN_PROFILES_DIR])).snmp.get('apc-rpdu2')!;
    const port = await freeUdpPortRange(PDUS);
    const sim = spawn(
      process.execPath,
      [
        join(PACKAGE_ROOT, 'dist/cli/main.js'),
        'sim',
        'snmp',
        '--profile',
        profile.id,
        '--listen',
        `127.0.0.1:${port}`,
        '--pdus',
        String(PDUS),
        '--outlets',
        String(OUTLETS),
      ],
      { stdio: ['ignore', 'pipe', 'inherit'] },
    );
    try {
      await new Promise<void>((resolve, reject) => {
        sim.stdout!.on('data', (d: Buffer) => {
          if (d.toString().includes('simulating')) resolve();
        });
        sim.once('exit', (c) => reject(new Error(`simulator exited ${c}`)));
      });
      const log = pino({ level: 'silent' });
      const limiter = new Limiter(16);
      const agents = Array.from(
        { length: PDUS },
        (_, i) =>
          new SnmpAgent({
            options: { id: `pdu-${i + 1}`, budgetMs: 10_000, backoffBaseMs: 0, backoffMaxMs: 0 },
            profile,
            limiter,
            clock: systemClock,
            log,
            client: new SnmpClient({
              host: '127.0.0.1',
              port: port + i,
              version: '2c',
              community: 'public',
              timeoutMs: 2000,
              retries: 1,
              maxRepetitions: 50,
            }),
          }),
      );
      const pollAll = () => Promise.all(agents.map((a) => a.poll('full')));
      const warm = await pollAll();
      const values = warm.reduce((s, r) => s + r.readings.reduce((n, x) => n + Object.keys(x.values).length, 0), 0);
      if (warm.some((r) => r.fault)) throw new Error('faults in the warm-up poll');
      const cpu0 = process.cpuUsage();
      const times: number[] = [];
      for (let c = 0; c < CYCLES; c++) {
        const t0 = performance.now();
        const rs = await pollAll();
        times.push((performance.now() - t0) / 1000);
        if (rs.some((r) => r.fault)) throw new Error('faults during the benchmark');
      }
      const cpu = process.cpuUsage(cpu0);
      const requests = agents.reduce((s, a) => s + a.client.counters.get('requests'), 0) / (CYCLES + 1);
      agents.forEach((a) => a.client.close());
      const cycleS = times.sort((a, b) => a - b)[Math.floor(times.length / 2)]!;
      out(
        `ours: ${values} values from ${PDUS} PDUs in ${cycleS.toFixed(2)} s (median of ${CYCLES}), ${requests.toFixed(0)} requests per cycle`,
      );

      // The same tables with Debian's snmpbulkwalk, one PDU after another, as a script around Net-SNMP would.
      const tables = [...new Set([profile.snmp.identity.table!, ...profile.snmp.tables.map((t) => t.table)])];
      const t0 = performance.now();
      let lines = 0;
      for (let i = 0; i < PDUS; i++) {
        await run('snmpget', ['-v2c', '-c', 'public', '-On', `127.0.0.1:${port + i}`, '1.3.6.1.2.1.1.3.0']);
        for (const oid of tables) {
          const { stdout } = await run('snmpbulkwalk', ['-v2c', '-c', 'public', '-On', '-Cr50', `127.0.0.1:${port + i}`, oid], {
            maxBuffer: 32 * 2 ** 20,
          });
          lines += stdout.split('\n').length;
        }
      }
      const walkS = (performance.now() - t0) / 1000;
      out(`snmpbulkwalk: ${lines} lines from ${PDUS} PDUs in ${walkS.toFixed(2)} s (${tables.length} tables + sysUpTime per PDU)`);
      return {
        cycle_s: round(cycleS, 3),
        snmpbulkwalk_s: round(walkS, 3),
        vs_snmpbulkwalk: round(cycleS / walkS, 3),
        cpu_s_per_cycle: round((cpu.user + cpu.system) / 1e6 / CYCLES, 3),
        rss_mb: round(process.memoryUsage().rss / 2 ** 20, 1),
        pdus: PDUS,
        outlets_per_pdu: OUTLETS,
        values_per_cycle: values,
        requests_per_cycle: Math.round(requests),
      };
    } finally {
      sim.kill('SIGTERM');
    }
  },
};
