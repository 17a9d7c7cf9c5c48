import t from 'tap';
import { checkMigrationList, missingTables, pendingMigrations, tablesOf, type Migration } from './migration.js';
import { SchemaMismatchError, SchemaTooNewError } from './errors.js';

const list: Migration[] = [
  { id: 1, name: 'base', sql: '' },
  { id: 2, name: 'tariffs', sql: '' },
  { id: 3, name: 'invoices', sql: '' },
];

t.test('pending migrations are those not recorded, in order', async (t) => {
  const cases: [string, { id: number; name: string }[], number[]][] = [
    ['fresh database', [], [1, 2, 3]],
    [
      'one behind',
      [
        { id: 1, name: 'base' },
        { id: 2, name: 'tariffs' },
      ],
      [3],
    ],
    ['current', list.map(({ id, name }) => ({ id, name })), []],
  ];
  for (const [name, recorded, want] of cases)
    t.same(
      pendingMigrations(list, recorded).map((m) => m.id),
      want,
      name,
    );
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

t.test('the tables recorded migrations leave behind, and those a database lost', async (t) => {
  const ddl: Migration[] = [
    {
      id: 1,
      name: 'base',
      sql: 'CREATE TABLE series (id INTEGER); CREATE INDEX s ON series (id); create table if not exists "Readings" (x int)',
    },
    { id: 2, name: 'more', sql: 'CREATE TABLE gone (x INTEGER); CREATE TABLE notes (x INTEGER)' },
    { id: 3, name: 'less', sql: 'DROP TABLE gone; CREATE TRIGGER t BEFORE UPDATE ON notes BEGIN SELECT 1; END' },
  ];
  const rec = (...ids: number[]) => ids.map((id) => ({ id, name: ddl[id - 1]!.name }));
  t.same(tablesOf(ddl, rec()), [], 'nothing recorded: nothing expected');
  t.same(tablesOf(ddl, rec(1)), ['series', 'readings'], 'indexes are no tables; names compare lower-cased');
  t.same(tablesOf(ddl, rec(1, 2, 3)), ['series', 'readings', 'notes'], 'a dropped table is no longer expected');
  t.same(missingTables(ddl, rec(1, 2), ['SERIES', 'readings', 'gone', 'notes', 'schema_migrations']), []);
  t.same(missingTables(ddl, rec(1, 2), ['series', 'schema_migrations']), ['readings', 'gone', 'notes']);
});
