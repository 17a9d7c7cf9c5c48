// `--snmp` specs: IPv4 addresses and blocks expand, names wait for resolution, anything else is refused
// with what is wrong (issue 17: "garbage" and "fe80::/64" used to scan nothing and report "no PDU answered").
import t from 'tap';
import { parseTargets, resolveTargets, TargetError } from './targets.js';

t.test('IPv4 addresses and blocks expand to hosts; names are kept for resolution', async (t) => {
  t.same(parseTargets('127.0.0.1'), { hosts: ['127.0.0.1'] });
  t.same(parseTargets(' 10.1.2.0/30 '), { hosts: ['10.1.2.1', '10.1.2.2'] });
  t.same(parseTargets('10.1.2.7/31'), { hosts: ['10.1.2.6', '10.1.2.7'] });
  t.same(parseTargets('10.1.2.7/32'), { hosts: ['10.1.2.7'] });
  const block = parseTargets('10.1.0.0/20');
  t.equal('hosts' in block ? block.hosts.length : 0, 4094);
  t.same(parseTargets('pdu-r12.example'), { name: 'pdu-r12.example' }, 'a name is one host');
  t.same(parseTargets('garbage'), { name: 'garbage' }, 'a single-label name is a name until it fails to resolve');
});

t.test('what is wrong is said', async (t) => {
  const refused: [string, RegExp][] = [
    [
      'fe80::/64',
      /"fe80::\/64": IPv6 is not supported, the gateway polls SNMP over IPv4 \(and a \/64 block holds 2\^64 addresses, a scan covers 4094\)/,
    ],
    ['fe80::1', /"fe80::1": IPv6 is not supported/],
    ['fe80::zz/64', /"fe80::zz\/64" is not an address/],
    ['10.0.0.0/8', /"10.0.0.0\/8" is too large: 16777214 hosts; a scan covers \/20 \(4094 hosts\) to \/32/],
    ['10.0.0.300', /"10.0.0.300" is not an IPv4 address: each part is 0-255/],
    ['10.0.0.1/33', /an IPv4 prefix is \/0 to \/32/],
    ['10.0.1', /"10.0.1" is not an IPv4 address or block/],
    ['10.0.0.0/', /"10.0.0.0\/": the prefix after "\/" is a number, \/20 to \/32/],
    ['10.0.0.0/abc', /the prefix after "\/" is a number/],
    ['10.0/24', /"10.0\/24" is not an IPv4 address or block/],
    ['pdu.example/24', /a block must be IPv4/],
    ['gar bage!', /"gar bage!" is not an address or a host name/],
    ['-x', /is not an address or a host name/],
    ['', /is not an address or a host name/],
  ];
  for (const [spec, message] of refused) t.throws(() => parseTargets(spec), message, spec || '(empty)');
  t.throws(() => parseTargets('garbage/24'), TargetError);
});

t.test('a name must resolve to IPv4 before anything is scanned', async (t) => {
  t.same(await resolveTargets({ hosts: ['10.1.2.3'] }), ['10.1.2.3']);
  t.same(await resolveTargets({ name: 'localhost' }), ['localhost'], 'a resolvable name is scanned as given');
  const notFound = Object.assign(new Error('getaddrinfo ENOTFOUND garbage'), { code: 'ENOTFOUND' });
  await t.rejects(
    resolveTargets({ name: 'garbage' }, () => Promise.reject(notFound)),
    /"garbage" is not an IPv4 address or block, and no host of that name resolves to IPv4 \(ENOTFOUND\)/,
  );
});
