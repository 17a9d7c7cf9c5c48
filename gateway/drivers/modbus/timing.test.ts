import t from 'tap';
import { bitsPerChar, charTimeMs, frameWireMs, interFrameSilenceMs, readFrameBytes } from './timing.js';

t.test('character and silence times follow the serial-line spec', async (t) => {
  const cases = [
    { line: { baudRate: 9600, parity: 'even', stopBits: 1 }, bits: 11, charMs: 11 / 9.6, silenceMs: (3.5 * 11) / 9.6 },
    { line: { baudRate: 9600, parity: 'none', stopBits: 1 }, bits: 10, charMs: 10 / 9.6, silenceMs: (3.5 * 10) / 9.6 },
    { line: { baudRate: 19200, parity: 'none', stopBits: 2 }, bits: 11, charMs: 11 / 19.2, silenceMs: (3.5 * 11) / 19.2 },
    { line: { baudRate: 38400, parity: 'none', stopBits: 2 }, bits: 11, charMs: 11 / 38.4, silenceMs: 1.75 },
    { line: { baudRate: 115200, parity: 'odd', stopBits: 1 }, bits: 11, charMs: 11 / 115.2, silenceMs: 1.75 },
  ] as const;
  for (const c of cases) {
    t.equal(bitsPerChar(c.line), c.bits, `${c.line.baudRate} ${c.line.parity} bits`);
    t.ok(Math.abs(charTimeMs(c.line) - c.charMs) < 1e-9, 'char time');
    t.ok(Math.abs(interFrameSilenceMs(c.line) - c.silenceMs) < 1e-9, 'silence');
  }
});

t.test('an 80-register read at 9600 8E1 takes 198 ms on the wire (devices.md worked example)', async (t) => {
  const f = readFrameBytes(80);
  t.same(f, { request: 8, response: 165 });
  const ms = frameWireMs(f.request + f.response, { baudRate: 9600, parity: 'even', stopBits: 1 });
  t.ok(Math.abs(ms - 198.2) < 0.1, `${ms}`);
});
