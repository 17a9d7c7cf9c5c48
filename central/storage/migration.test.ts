import t from 'tap';
import { checkMigrationList, pendingMigrations, type Migration } from './migration.js';
import { SchemaMismatchError, SchemaTooNewError } from './types.js';

const list: Migration[] = [{ id: 1, name: 'base', sql: '' }, { id: 2, name: 'tariffs', sql: '' }, { id: 3, name: 'invoices', sql: '' }];

t.test('pending migrations are those not recorded, in order', async (t) => {
  const cases: [string, { id: number; name: string }[], number[]][] = [
    ['fresh database', [], [1, 2, 3]],
    ['one behind', [{ id: 1, name: 'base' }, { id: 2, name: 'tariffs' }], [3]],
    ['current', list.map(({ id, name }) => ({ id, name })), []],
  ];
  for (const [name, recorded, want] of cases) t.same(pendingMigrations(list, recorded).map((m) => m.id), want, name);
});

t.test('a schema from newer code or another branch is refused', async (t) => {
  t.throws(() => pendingMigrations(list, [{ id: 4, name: 'locks' }]), SchemaTooNewError);
  const err = t.throws(() => pendingMigrations(list, [{ id: 2, name: 'assignments' }]), SchemaMismatchError);
  t.match(String(err), /migration 2 is recorded as "assignments"/);
});

t.test('the list itself must be numbered 1..n', async (t) => {
  t.throws(() => checkMigrationList([{ id: 2, name: 'x', sql: '' }]), /entry 0 has id 2/);
  t.throws(() => checkMigrationList([list[0]!, list[0]!]), /entry 1 has id 1/);
  t.doesNotThrow(() => checkMigrationList(list));
});
