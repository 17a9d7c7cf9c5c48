// `joulebook gateway scan` with a target it cannot scan says what is wrong and exits non-zero (issue 17:
// `--snmp garbage`, `--snmp fe80::/64` and `--serial /dev/ttyNOPE` ended in "nothing found", exit 0).
import t from 'tap';
import { freePort } from '../helpers/env.js';
import { runCli as run } from '../helpers/cli.js';

t.test('SNMP targets that are not an IPv4 address, block or resolvable name are refused', async (t) => {
  const cases: [string, RegExp][] = [
    [
      'garbage',
      /"garbage" is not an IPv4 address or block, and no host of that name resolves to IPv4 \((?:ENOTFOUND|EAI_AGAIN|EAI_NODATA|no answer)/,
    ],
    [
      'fe80::/64',
      /"fe80::\/64": IPv6 is not supported, the gateway polls SNMP over IPv4 \(and a \/64 block holds 2\^64 addresses, a scan covers 4094\)/,
    ],
    ['10.0.0.0/8', /"10\.0\.0\.0\/8" is too large: 16777214 hosts; a scan covers \/20 \(4094 hosts\) to \/32/],
    ['10.0.0.0/abc', /"10\.0\.0\.0\/abc": the prefix after "\/" is a number, \/20 to \/32/],
  ];
  for (const [spec, message] of cases) {
    const r = await run(['gateway', 'scan', '--snmp', spec, '--timeout-ms', '100']);
    t.equal(r.code, 1, `--snmp ${spec}: exit code 1`);
    t.match(r.stderr, message, `--snmp ${spec}: says what is wrong`);
    t.notMatch(r.stdout, /no PDU answered/, `--snmp ${spec}: no "nothing found"`);
  }
});

t.test('a serial port or TCP endpoint that cannot be opened is named with the OS error', async (t) => {
  const serial = await run(['gateway', 'scan', '--serial', '/dev/ttyNOPE', '--units', '1-2', '--timeout-ms', '50']);
  t.equal(serial.code, 1, 'exit code 1');
  t.match(serial.stderr, 'serial:/dev/ttyNOPE cannot be opened: No such file or directory', 'names the port and the OS error');
  t.notMatch(serial.stdout, /no device answered/);

  const port = await freePort(); // nothing listens there
  const tcp = await run(['gateway', 'scan', '--tcp', `127.0.0.1:${port}`, '--units', '1-2', '--timeout-ms', '50']);
  t.equal(tcp.code, 1, 'exit code 1');
  t.match(tcp.stderr, `tcp:127.0.0.1:${port} cannot be opened: connect ECONNREFUSED`, 'names the endpoint and the OS error');
});
