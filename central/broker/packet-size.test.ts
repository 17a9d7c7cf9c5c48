import t from 'tap';
import { PacketSizeScanner } from './packet-size.js';

/** A packet of `type` with a body of `n` bytes, its remaining length encoded as MQTT does. */
function packet(n: number, type = 0x30): Buffer {
  const len: number[] = [];
  let x = n;
  do {
    let b = x % 128;
    x = Math.floor(x / 128);
    if (x > 0) b |= 0x80;
    len.push(b);
  } while (x > 0);
  return Buffer.concat([Buffer.from([type, ...len]), Buffer.alloc(n, 0x61)]);
}

t.test('remaining lengths of 1 to 4 bytes, at and above the limit', async (t) => {
  const cases: [string, number, number, number | undefined][] = [
    ['empty body (PINGREQ)', 0, 10, undefined],
    ['one length byte, at the limit', 127, 127, undefined],
    ['one length byte, above', 127, 126, 127],
    ['two length bytes', 128, 200, undefined],
    ['two length bytes, above', 16_383, 16_382, 16_383],
    ['three length bytes', 16_384, 16_384, undefined],
    ['four length bytes, above', 2_097_152, 135_168, 2_097_152],
  ];
  for (const [name, body, max, expected] of cases) t.equal(new PacketSizeScanner(max).feed(packet(body)), expected, name);
});

t.test('the announcement is seen from the header alone, before any of the body', async (t) => {
  const header = Buffer.from([0x10, 0xff, 0xff, 0xff, 0x7f]); // CONNECT announcing 268,435,455 bytes (256 MiB)
  t.equal(new PacketSizeScanner(135_168).feed(header), 268_435_455);
  t.equal(new PacketSizeScanner(135_168).feed(Buffer.from([0x10, 0xff, 0xff, 0xff, 0xff])), Infinity, 'a fifth length byte is no MQTT');
});

t.test('packets split across chunks at every byte, and many packets in one chunk', async (t) => {
  const stream = Buffer.concat([packet(0, 0xc0), packet(300), packet(5), packet(20_000), packet(90)]);
  for (let cut = 0; cut <= stream.length; cut += 7) {
    const s = new PacketSizeScanner(20_000);
    t.equal(s.feed(stream.subarray(0, cut)), undefined);
    if (s.feed(stream.subarray(cut)) !== undefined) t.fail(`cut at ${cut}`);
  }
  const oneByOne = new PacketSizeScanner(299);
  let seen: number | undefined;
  for (let i = 0; i < stream.length && seen === undefined; i++) seen = oneByOne.feed(stream.subarray(i, i + 1));
  t.equal(seen, 300, 'fed one byte at a time, the 300-byte packet is caught');
  t.pass('all cuts within the limit');
});
