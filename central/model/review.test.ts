import { fileURLToPath } from 'node:url';
import t from 'tap';
import { readInventory } from '../config/inventory-load.js';
import { review } from './review.js';

t.test('series no point reads, and points nobody holds', async (t) => {
  const { model } = await readInventory(fileURLToPath(new URL('../../config/inventory.example.yaml', import.meta.url)));
  const known = { site: 'ams1', gateway: 'ams1-r101-gw1', device: 'busbar-a1', channel: 'l1' };
  const newPdu = { site: 'ams1', gateway: 'ams1-r101-gw1', device: 'pdu-r99-a', channel: 'total' };
  const wrongSite = { site: 'sin1', gateway: 'ams1-r101-gw1', device: 'busbar-a1', channel: 'l1' };
  const october = { fromMs: Date.UTC(2026, 8, 30, 22), toMs: Date.UTC(2026, 9, 31, 23) };
  const r = review(model, [known, newPdu, newPdu, wrongSite], october);
  t.same(r.unmapped, [newPdu, wrongSite], 'a new PDU and a gateway under the wrong site; each once');
  t.same(
    r.unassigned.map((u) => [u.point.id, u.gaps.length]),
    [
      ['ams2-r04-pdu-a/total', 1],
      ['ams2-r04-pdu-b/total', 1],
      ['sin1-r03-pdu-a/total', 1],
    ],
    "the PDUs of the example that nobody holds for some of October: Fjord's rack before the 16th, the unsold one in Singapore",
  );
  t.ok(
    r.unassigned.every((u) => !u.point.infrastructure),
    'house meters are never listed',
  );
  t.same(review(model, [known], october).unmapped, [], 'a mapped series is not listed');
});
