import t from 'tap';
import { powerTowards } from './counter-check.js';

t.test('power in the direction a counter counts', async (t) => {
  const cases: [Parameters<typeof powerTowards>[0], number, number, string][] = [
    ['energy_import_kwh', 2500, 2500, 'a load drives its import counter'],
    ['energy_export_kwh', 2500, 0, 'a load leaves its export counter still: not frozen'],
    ['energy_export_kwh', -800, 800, 'feeding back drives the export counter'],
    ['energy_import_kwh', -800, 0, '...and leaves the import counter still'],
  ];
  for (const [m, w, want, why] of cases) t.equal(powerTowards(m, w), want, why);
});
