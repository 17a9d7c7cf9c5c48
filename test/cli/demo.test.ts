// `npm start`'s demo, run briefly: every simulated meter (TCP and the RS-485 pty line) and PDU (SNMP) is read, without faults.
import { execFile } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import t from 'tap';

const DEMO = fileURLToPath(new URL('../../dist/scripts/demo.js', import.meta.url));

t.test('the demo shows live readings of every meter', async (t) => {
  const { stdout } = await promisify(execFile)(process.execPath, [DEMO, '--duration-s', '3'], { timeout: 30_000 });
  const last = stdout.slice(stdout.lastIndexOf('Joulebook gateway'));
  const rows = last.split('\n').filter((l) => /^(ups|busbar|branch|pdu)-/.test(l)).map((l) => l.trim().split(/\s{2,}/));
  t.equal(rows.length, 11, 'seven meters and four PDU units listed');
  for (const r of rows) {
    t.ok(Number(r[3]) > 0, `${r[0]}: energy ${r[3]} kWh`);
    t.ok(Number(r[4]) > 0, `${r[0]}: power ${r[4]} W`);
    t.equal(r[8], '0', `${r[0]}: no faults`);
  }
  const mqttLine = /(\d+) readings acknowledged in \d+ messages, outbox holds \d+; the subscriber received (\d+) distinct readings/.exec(last);
  t.ok(mqttLine && Number(mqttLine[1]) > 0, 'readings went through the outbox to the broker');
  t.ok(Number(mqttLine?.[2]) >= Number(mqttLine?.[1]), `the subscriber got every acknowledged reading (${mqttLine?.[2]} of ${mqttLine?.[1]})`);
  t.match(last, /stopped\./, 'stops cleanly');
});
