import t from 'tap';
import { headerProblem } from './file-check.js';

/** A 100-byte header as SQLite writes it: magic, page size, change counter, page count, version-valid-for. */
function header(o: { pageBytes?: number; pages?: number; change?: number; validFor?: number } = {}): Buffer {
  const h = Buffer.alloc(100);
  h.write('SQLite format 3\0', 0, 'latin1');
  h.writeUInt16BE(o.pageBytes === 65_536 ? 1 : (o.pageBytes ?? 4096), 16);
  h.writeUInt32BE(o.change ?? 7, 24);
  h.writeUInt32BE(o.pages ?? 10, 28);
  h.writeUInt32BE(o.validFor ?? o.change ?? 7, 92);
  return h;
}

t.test('the header and size of an intact database pass; anything else says what is wrong', async (t) => {
  const table: [string, Buffer, number, number, RegExp | undefined][] = [
    ['intact', header(), 40_960, 0, undefined],
    ['larger than its page count (free space at the end)', header(), 81_920, 0, undefined],
    ['64 KiB pages', header({ pageBytes: 65_536, pages: 2 }), 131_072, 0, undefined],
    ['page count not valid (an old writer): the size alone', header({ pages: 99, validFor: 3 }), 40_960, 0, undefined],
    ['shorter, but a WAL holds pages not yet written back', header({ pages: 20 }), 40_960, 8_272, undefined],
    [
      'random bytes',
      Buffer.from('not a database, just some bytes that are long enough for a header'.repeat(2)),
      5000,
      0,
      /not a SQLite database/,
    ],
    ['text that starts like a database', Buffer.from('SQLite format 3'), 15, 0, /not a SQLite database/],
    ['cut inside the header', header().subarray(0, 50), 50, 0, /truncated database \(50 bytes, less than its 100-byte header\)/],
    ['a page size that is no power of two', header({ pageBytes: 3000 }), 30_000, 0, /page size of 3000/],
    ['cut inside a page', header(), 40_000, 0, /40000 bytes is not a whole number of 4096-byte pages/],
    [
      'cut at a page boundary',
      header({ pages: 331 }),
      169 * 4096,
      0,
      /header counts 331 pages of 4096 bytes, 1355776 bytes; the file has 692224/,
    ],
  ];
  for (const [name, h, size, wal, want] of table) {
    const got = headerProblem(h, size, wal);
    if (want) t.match(got, want, name);
    else t.equal(got, undefined, name);
  }
});
