// The PostgreSQL side of an emptied database (issue 17): a schema whose tables were dropped while its
// schema_migrations says they exist is refused by every opener and nothing is recreated (invoice numbers
// would start again at 000001); with create: never, a schema that is gone is refused too, until asked for.
import pg from 'pg';
import t from 'tap';
import { POSTGRES_MIGRATIONS } from '../../central/storage/postgres/migrations.js';
import { needPeer, quietLog } from '../helpers/env.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';
import { openPostgresAccessStore } from '../../central/storage/access/postgres.js';
import { openPostgresBillingStore } from '../../central/storage/billing/postgres.js';
import { openPostgresStore } from '../../central/storage/readings/postgres/store.js';
import { DatabaseRefusedError, SchemaTablesMissingError } from '../../central/storage/errors.js';

const schemas = pgSchemas('jb_schema');

t.test('PostgreSQL schema checks', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  t.teardown(() => schemas.dropAll());
  const raw = new pg.Pool({ connectionString: PG_URL, max: 1 });
  t.teardown(() => raw.end());
  const tables = async (schema: string) =>
    (
      await raw.query<{ t: string }>('SELECT table_name AS t FROM information_schema.tables WHERE table_schema = $1 ORDER BY 1', [schema])
    ).rows.map((r) => r.t);
  const openers = (schema: string, create?: 'if-missing' | 'never') => {
    const o = { connectionString: PG_URL, schema, log: quietLog, maxConnections: 2, ...(create ? { create } : {}) };
    return { store: () => openPostgresStore(o), access: () => openPostgresAccessStore(o), billing: () => openPostgresBillingStore(o) };
  };

  t.test('tables dropped behind the recorded migrations: refused by every opener, nothing recreated', async (t) => {
    const schema = schemas.next();
    await (await openPostgresStore({ connectionString: PG_URL, schema, log: quietLog })).close();
    const before = await tables(schema);
    await raw.query(
      `DROP TABLE "${schema}".note_delivery, "${schema}".invoice_notes, "${schema}".invoice_delivery, "${schema}".invoices, "${schema}".document_counters`,
    );
    for (const [name, open] of Object.entries(openers(schema))) {
      const err = await open().then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      t.ok(err instanceof SchemaTablesMissingError, `${name}: refused`);
      t.match(
        err?.message,
        `PostgreSQL schema "${schema}" of database "test" at 127.0.0.1:5432: the schema records ${POSTGRES_MIGRATIONS.length} migration(s), ` +
          'but table(s) invoices, invoice_delivery, invoice_notes, document_counters, note_delivery are missing',
        `${name}: names schema, database and tables`,
      );
      t.match(err?.message, /Restore it from a backup; nothing was created in their place/, `${name}: says what to do`);
    }
    t.same(
      await tables(schema),
      before.filter((x) => !['note_delivery', 'invoice_notes', 'invoice_delivery', 'invoices', 'document_counters'].includes(x)),
      'still missing: not recreated',
    );
  });

  t.test('create: never refuses a schema that is not there, and makes nothing; if-missing makes it', async (t) => {
    const schema = schemas.next();
    for (const [name, open] of Object.entries(openers(schema, 'never'))) {
      const err = await open().then(
        async (s) => {
          await s.close();
          return undefined;
        },
        (e: unknown) => e as Error,
      );
      t.ok(err instanceof DatabaseRefusedError, `${name}: refused`);
      t.match(
        err,
        {
          problem: 'missing',
          message: `PostgreSQL schema "${schema}" of database "test" at 127.0.0.1:5432: no central node tables there, and storage.postgres.create is "never"`,
        },
        name,
      );
      t.match(err?.message, /start the central node once with --new-database/);
    }
    t.equal((await raw.query('SELECT 1 FROM pg_namespace WHERE nspname = $1', [schema])).rowCount, 0, 'no schema made');
    await (await openers(schema, 'if-missing').store()).close();
    await (await openers(schema, 'never').billing()).close();
    t.ok((await tables(schema)).includes('document_counters'), 'made once asked; opened with never afterwards');
    await raw.query(`DROP SCHEMA "${schema}" CASCADE`);
    await t.rejects(
      openers(schema, 'never').store(),
      { name: 'DatabaseRefusedError', problem: 'missing' },
      'a dropped schema is refused, not made again',
    );
  });
});
