import t from 'tap';
import {
  crc16,
  dataResponsePdu,
  encodeMbap,
  encodeRtu,
  exceptionPdu,
  FC_READ_HOLDING,
  FC_READ_INPUT,
  parseMbapFrame,
  parseReadResponsePdu,
  parseRequestPdu,
  parseRtuResponse,
  readPdu,
  rtuRequestLength,
  withCrc,
  type ReadRequest,
} from './frames.js';

const hex = (s: string) => Buffer.from(s.replace(/\s+/g, ''), 'hex');

t.test('crc16 matches CRC-16/MODBUS reference vectors', async (t) => {
  // Checked independently with a bitwise Python implementation (poly 0xA001 reflected, init 0xFFFF);
  // "123456789" -> 0x4B37 is the catalogue check value of CRC-16/MODBUS.
  const cases = [
    { data: hex('01 03 00 00 00 0A'), crc: 0xcdc5, wire: 'c5cd' },
    { data: hex('01 03 00 00 00 01'), crc: 0x0a84, wire: '840a' },
    { data: Buffer.from('123456789', 'latin1'), crc: 0x4b37, wire: '374b' },
    { data: hex('11 03 00 06'), crc: 0x1a75, wire: '751a' },
    { data: hex('01 83 02'), crc: 0xf1c0, wire: 'c0f1' },
    { data: Buffer.alloc(0), crc: 0xffff, wire: 'ffff' },
  ];
  for (const c of cases) {
    t.equal(crc16(c.data), c.crc, `crc of ${c.data.toString('hex') || '(empty)'}`);
    const framed = withCrc(c.data);
    t.equal(framed.subarray(c.data.length).toString('hex'), c.wire, 'sent low byte first');
    t.equal(crc16(framed), 0, 'a frame with its CRC checks to 0');
  }
});

t.test('encoders produce the exact bytes on the wire', async (t) => {
  const cases = [
    { name: 'readPdu FC03', got: readPdu(FC_READ_HOLDING, 0x0000, 10), want: '030000000a' },
    { name: 'readPdu FC04', got: readPdu(FC_READ_INPUT, 0xfc00, 2), want: '04fc000002' },
    { name: 'encodeRtu unit 1 FC03 0..9', got: encodeRtu(1, readPdu(FC_READ_HOLDING, 0, 10)), want: '01030000000ac5cd' },
    { name: 'encodeRtu unit 1 FC03 0..0', got: encodeRtu(1, readPdu(FC_READ_HOLDING, 0, 1)), want: '010300000001840a' },
    { name: 'encodeRtu exception', got: encodeRtu(1, exceptionPdu(FC_READ_HOLDING, 2)), want: '018302c0f1' },
    { name: 'encodeMbap', got: encodeMbap(0x1234, 17, readPdu(FC_READ_INPUT, 0x006b, 3)), want: '12340000000611' + '04006b0003' },
    {
      name: 'encodeMbap tid wraps at 16 bits',
      got: encodeMbap(0x10001, 1, readPdu(FC_READ_HOLDING, 0, 1)),
      want: '00010000000601' + '0300000001',
    },
    { name: 'encodeMbap exception', got: encodeMbap(7, 255, exceptionPdu(FC_READ_INPUT, 11)), want: '000700000003ff' + '840b' },
  ];
  for (const c of cases) t.equal(c.got.toString('hex'), c.want, c.name);
});

t.test('parseRtuResponse: data, exception, CRC error and every incomplete prefix', async (t) => {
  const req: ReadRequest = { unit: 1, fn: FC_READ_HOLDING, address: 0, count: 2 };
  const data = encodeRtu(1, dataResponsePdu(FC_READ_HOLDING, [0x000a, 0x0102]));
  t.equal(data.toString('hex').slice(0, 14), '01030400' + '0a0102', 'data frame layout');
  t.equal(data.length, 9);
  for (let n = 0; n < data.length; n++)
    t.same(parseRtuResponse(data.subarray(0, n), req), { kind: 'incomplete' }, `data prefix of ${n} bytes`);
  t.same(parseRtuResponse(data, req), { kind: 'data', words: [10, 258], length: 9 }, 'complete data frame');
  t.same(
    parseRtuResponse(Buffer.concat([data, hex('01 03')]), req),
    { kind: 'data', words: [10, 258], length: 9 },
    'trailing bytes are not part of the frame',
  );

  const exc = encodeRtu(1, exceptionPdu(FC_READ_HOLDING, 2));
  for (let n = 0; n < exc.length; n++)
    t.same(parseRtuResponse(exc.subarray(0, n), req), { kind: 'incomplete' }, `exception prefix of ${n} bytes`);
  t.same(parseRtuResponse(exc, req), { kind: 'exception', code: 2, length: 5 }, 'exception frame');

  const badCrc = Buffer.from(data);
  badCrc[8] = badCrc[8]! ^ 0xff;
  t.same(parseRtuResponse(badCrc, req), { kind: 'crc', length: 9 }, 'corrupt CRC byte');
  const badData = Buffer.from(data);
  badData[4] = badData[4]! ^ 0x01;
  t.same(parseRtuResponse(badData, req), { kind: 'crc', length: 9 }, 'corrupt data byte');
  const badExc = Buffer.from(exc);
  badExc[2] = 3;
  t.same(parseRtuResponse(badExc, req), { kind: 'crc', length: 5 }, 'corrupt exception code');

  const input: ReadRequest = { unit: 247, fn: FC_READ_INPUT, address: 0x46, count: 1 };
  t.same(
    parseRtuResponse(encodeRtu(247, dataResponsePdu(FC_READ_INPUT, [0xffff])), input),
    { kind: 'data', words: [0xffff], length: 7 },
    'FC04, unit 247',
  );
  t.same(
    parseRtuResponse(encodeRtu(247, exceptionPdu(FC_READ_INPUT, 4)), input),
    { kind: 'exception', code: 4, length: 5 },
    'FC04 exception',
  );
});

t.test('parseRtuResponse: answers that cannot be the one asked for are garbage', async (t) => {
  const req: ReadRequest = { unit: 1, fn: FC_READ_HOLDING, address: 0, count: 2 };
  const cases = [
    { name: 'wrong unit, one byte', bytes: hex('02'), reason: /unit 2 to a request for unit 1/ },
    { name: 'wrong unit, whole frame', bytes: encodeRtu(2, dataResponsePdu(3, [1, 2])), reason: /unit 2/ },
    { name: 'wrong function', bytes: hex('01 04'), reason: /function code 4 where 3/ },
    { name: 'wrong function, whole frame', bytes: encodeRtu(1, dataResponsePdu(4, [1, 2])), reason: /function code 4/ },
    { name: 'exception for another function', bytes: hex('01 84 02'), reason: /function code 132 where 3/ },
    { name: 'wrong byte count', bytes: hex('01 03 06'), reason: /byte count 6 where 4/ },
    { name: 'wrong byte count, whole frame', bytes: encodeRtu(1, dataResponsePdu(3, [1])), reason: /byte count 2 where 4/ },
  ];
  for (const c of cases) {
    const r = parseRtuResponse(c.bytes, req);
    t.equal(r.kind, 'garbage', c.name);
    if (r.kind === 'garbage') {
      t.match(r.reason, c.reason, `${c.name}: reason`);
      t.equal(r.length, c.bytes.length, `${c.name}: everything received is discarded`);
    }
  }
});

t.test('parseReadResponsePdu checks function and byte count', async (t) => {
  const cases = [
    { pdu: hex('03 04 00 01 00 02'), fn: 3, count: 2, want: { kind: 'data', words: [1, 2] } },
    { pdu: hex('83 02'), fn: 3, count: 2, want: { kind: 'exception', code: 2 } },
    { pdu: hex('04 02 12 34'), fn: 3, count: 1, want: { kind: 'garbage', reason: 'function code 4 where 3 was asked' } },
    { pdu: hex('03 02 12 34'), fn: 3, count: 2, want: { kind: 'garbage', reason: 'byte count 2 where 4 was expected' } },
    { pdu: hex('03 04 12 34'), fn: 3, count: 2, want: { kind: 'garbage', reason: 'byte count 4 where 4 was expected' } },
    { pdu: hex('83'), fn: 3, count: 1, want: { kind: 'garbage', reason: 'function code 131 where 3 was asked' } },
  ];
  for (const c of cases) t.same(parseReadResponsePdu(c.pdu, c.fn, c.count), c.want, c.pdu.toString('hex'));
});

t.test('parseMbapFrame: frames, split frames, back-to-back frames', async (t) => {
  const a = encodeMbap(7, 1, dataResponsePdu(FC_READ_HOLDING, [1, 2]));
  const b = encodeMbap(8, 2, exceptionPdu(FC_READ_INPUT, 2));
  t.equal(a.length, 13, 'header 7 + PDU 6');
  for (let n = 0; n < a.length; n++) t.same(parseMbapFrame(a.subarray(0, n)), { kind: 'incomplete' }, `prefix of ${n} bytes`);

  const first = parseMbapFrame(a);
  t.same(first, { kind: 'frame', tid: 7, unit: 1, pdu: hex('03 04 00 01 00 02'), length: 13 }, 'one frame');

  // A frame that arrives in two chunks is complete only once the second arrives.
  const part1 = a.subarray(0, 9);
  t.same(parseMbapFrame(part1), { kind: 'incomplete' }, 'first chunk');
  t.same(parseMbapFrame(Buffer.concat([part1, a.subarray(9)])), first, 'both chunks');

  const both = Buffer.concat([a, b]);
  const r1 = parseMbapFrame(both);
  t.equal(r1.kind, 'frame');
  if (r1.kind !== 'frame') return;
  t.equal(r1.tid, 7);
  t.equal(r1.length, 13);
  const r2 = parseMbapFrame(both.subarray(r1.length));
  t.same(r2, { kind: 'frame', tid: 8, unit: 2, pdu: hex('84 02'), length: 9 }, 'second frame after the first');
  t.equal(r1.length + (r2.kind === 'frame' ? r2.length : 0), both.length, 'the two frames use up the buffer');
  t.same(parseMbapFrame(Buffer.concat([a, b.subarray(0, 4)]).subarray(13)), { kind: 'incomplete' }, 'second frame still arriving');
});

t.test('parseMbapFrame: headers that cannot be Modbus are a desync', async (t) => {
  const header = (protocol: number, len: number) => {
    const h = Buffer.alloc(7);
    h.writeUInt16BE(1, 0);
    h.writeUInt16BE(protocol, 2);
    h.writeUInt16BE(len, 4);
    h[6] = 1;
    return h;
  };
  const cases = [
    { name: 'protocol id 1', buf: header(1, 6), reason: /protocol id 1/ },
    { name: 'protocol id 0xffff', buf: header(0xffff, 6), reason: /protocol id 65535/ },
    { name: 'length 0', buf: header(0, 0), reason: /MBAP length 0 out of range/ },
    { name: 'length 1', buf: header(0, 1), reason: /MBAP length 1 out of range/ },
    { name: 'length 255', buf: header(0, 255), reason: /MBAP length 255 out of range/ },
    { name: 'length 300', buf: header(0, 300), reason: /MBAP length 300 out of range/ },
    { name: 'ASCII text', buf: Buffer.from('HTTP/1.1 400', 'latin1'), reason: /protocol id/ },
  ];
  for (const c of cases) {
    const r = parseMbapFrame(c.buf);
    t.equal(r.kind, 'desync', c.name);
    if (r.kind === 'desync') t.match(r.reason, c.reason, `${c.name}: reason`);
  }
  t.same(parseMbapFrame(header(0, 2)), { kind: 'incomplete' }, 'length 2 is the smallest valid frame');
  t.same(
    parseMbapFrame(Buffer.concat([header(0, 2), hex('03')])),
    { kind: 'frame', tid: 1, unit: 1, pdu: hex('03'), length: 8 },
    'length 2 frame',
  );
  t.same(parseMbapFrame(header(0, 254)), { kind: 'incomplete' }, 'length 254 is the largest valid frame');
  t.same(parseMbapFrame(header(5, 6).subarray(0, 6)), { kind: 'incomplete' }, 'under 7 bytes nothing is judged');
});

t.test('parseRequestPdu reads the range of FC03/FC04 and only the function otherwise', async (t) => {
  const cases = [
    { pdu: readPdu(FC_READ_HOLDING, 100, 10), want: { fn: 3, address: 100, count: 10 } },
    { pdu: readPdu(FC_READ_INPUT, 0xfc00, 2), want: { fn: 4, address: 0xfc00, count: 2 } },
    { pdu: readPdu(FC_READ_HOLDING, 0, 0), want: { fn: 3, address: 0, count: 0 } },
    { pdu: hex('06 00 01 00 03'), want: { fn: 6 } },
    { pdu: hex('03 00 01 00'), want: { fn: 3 } },
    { pdu: hex('04 00 01 00 02 00'), want: { fn: 4 } },
    { pdu: Buffer.alloc(0), want: { fn: 0 } },
  ];
  for (const c of cases) t.same(parseRequestPdu(c.pdu), c.want, c.pdu.toString('hex') || '(empty)');
});

t.test('dataResponsePdu and exceptionPdu', async (t) => {
  const cases = [
    { got: dataResponsePdu(FC_READ_INPUT, [0x1234, 0x10005]), want: '0404123400' + '05' },
    { got: dataResponsePdu(FC_READ_HOLDING, []), want: '0300' },
    { got: dataResponsePdu(FC_READ_HOLDING, [0xffff]), want: '0302ffff' },
    { got: exceptionPdu(FC_READ_HOLDING, 2), want: '8302' },
    { got: exceptionPdu(FC_READ_INPUT, 11), want: '840b' },
    { got: exceptionPdu(0x83, 1), want: '8301' },
  ];
  for (const c of cases) t.equal(c.got.toString('hex'), c.want, c.want);
  const words = Array.from({ length: 125 }, (_, i) => i * 3);
  t.same(parseReadResponsePdu(dataResponsePdu(3, words), 3, 125), { kind: 'data', words }, '125 registers round-trip');
});

t.test('rtuRequestLength frames requests by their function', async (t) => {
  const cases: { bytes: Buffer; want: number | undefined }[] = [
    { bytes: Buffer.alloc(0), want: undefined },
    { bytes: hex('01'), want: undefined },
    { bytes: hex('01 01'), want: 8 },
    { bytes: hex('01 03'), want: 8 },
    { bytes: hex('01 04 00 00'), want: 8 },
    { bytes: hex('01 06'), want: 8 },
    { bytes: hex('01 10 00 00 00 02'), want: undefined },
    { bytes: hex('01 10 00 00 00 02 04'), want: 13 },
    { bytes: hex('01 0f 00 00 00 0a 02'), want: 11 },
    { bytes: hex('01 07'), want: undefined },
    { bytes: hex('01 2b'), want: undefined },
    { bytes: hex('01 00'), want: undefined },
  ];
  for (const c of cases) t.equal(rtuRequestLength(c.bytes), c.want, c.bytes.toString('hex') || '(empty)');
  t.equal(rtuRequestLength(encodeRtu(5, readPdu(3, 0, 10))), 8, 'a read request is 8 bytes');
});
