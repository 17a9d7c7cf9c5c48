// Two central instances on one database (SQLite file, PostgreSQL schema), each with its own model holder
// and access store: an edit made on one reaches the other at its next refresh, edits made on both at once
// are checked against each other (one customer per target, version numbers never reused), and edits that
// do not apply to an instance's files leave its model alone and refuse its own edits with a conflict.
// Last, two central nodes as central/main.ts composes them, on one PostgreSQL schema: an edit on one (an
// assignment, a billing account) is in the other's model after its refresh interval.
import { mkdtempSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pino } from 'pino';
import t, { type Test } from 'tap';
import { fileURLToPath } from 'node:url';
import { setUser } from '../../central/broker/credentials.js';
import { resolvePaths } from '../../central/config/central-load.js';
import { CentralConfig } from '../../central/config/central-schema.js';
import { InventoryFile } from '../../central/config/inventory-schema.js';
import { systemClock } from '../../common/clock.js';
import { startCentral } from '../../central/main.js';
import { ModelHolder } from '../../central/model/holder.js';
import type { AccessStore } from '../../central/storage/access/types.js';
import type { EditStore } from '../../central/storage/edits/types.js';
import { openPostgresAccessStore } from '../../central/storage/access/postgres.js';
import { openSqliteAccessStore } from '../../central/storage/access/sqlite.js';
import { INVENTORY, OCT, TARIFFS } from '../api/world.js';
import { freePort, needPeer, quietLog } from '../helpers/env.js';
import { waitFor } from '../helpers/gateway.js';
import { pgReachable, PG_URL, pgSchemas } from '../helpers/postgres.js';

/** A new empty database; each call of what it returns opens one more store on it (one instance's). */
type FreshDatabase = () => () => Promise<AccessStore & EditStore>;

const clock = { now: () => OCT };
const holder = (store: EditStore, inventory = INVENTORY, log = quietLog) =>
  new ModelHolder({ base: { inventory, tariffs: TARIFFS }, store, clock, log });
const onEmpty = (id: string, customer: string, from = '2026-11-01') => ({ id, customer, rack: 'rk-empty', from });
const holdersOfEmpty = (h: ModelHolder) =>
  h
    .current()
    .model.assignments.filter((a) => a.target === 'rack:rk-empty')
    .map((a) => `${a.id}@${a.version}:${a.customer}`);

function instances(t: Test, freshDatabase: FreshDatabase): void {
  const two = async (t: Test) => {
    const open = freshDatabase();
    const opened: (AccessStore & EditStore)[] = [];
    const openStore = async () => {
      opened.push(await open());
      return opened[opened.length - 1]!;
    };
    t.teardown(async () => {
      for (const s of opened) await s.close();
    });
    const [sa, sb] = [await openStore(), await openStore()];
    const [a, b] = [holder(sa), holder(sb)];
    await a.load();
    await b.load();
    return { a, b, sb, openStore };
  };

  t.test("one instance's edit reaches the other at its next refresh", async (t) => {
    const { a, b } = await two(t);
    t.equal(await b.refresh(), false, 'nothing new');
    const r = await a.addAssignment(onEmpty('as-empty', 'acme'), 'ops');
    t.ok(r.ok);
    t.same(holdersOfEmpty(b), [], 'b has not looked yet');
    const before = b.current().version;
    t.equal(await b.refresh(), true, 'b finds it');
    t.same(holdersOfEmpty(b), ['as-empty@1:acme']);
    t.equal(b.current().version, before + 1, 'a new model version, so caches keyed by it start over');
    t.equal(await b.refresh(), false, 'and only once');
    const tv = await a.addTariffVersion(
      'ams1',
      { version: 'ams-2027', validFrom: '2027-01-01', currency: 'EUR', energyPricePerKwh: '0.25' },
      'ops',
    );
    t.ok(tv.ok);
    t.equal(await b.refresh(), true);
    t.same(
      b
        .current()
        .tariffs.get('ams1')!
        .versions.map((v) => v.version),
      ['ams-2026', 'ams-2027'],
      'tariff versions too',
    );
  });

  t.test('an edit on a stale instance is checked against the edits it had not seen', async (t) => {
    const { a, b } = await two(t);
    t.ok((await a.addAssignment(onEmpty('as-empty', 'acme'), 'ops')).ok);
    const clash = await b.addAssignment(onEmpty('as-empty-2', 'beta'), 'eve');
    t.equal(clash.ok, false, 'two customers on one rack at once: refused on the instance that had not seen the first');
    t.notOk(!clash.ok && clash.conflict, 'as a model problem (400), not a race to retry');
    t.match(!clash.ok && clash.problems.join('\n'), /rk-empty/);
    const next = await b.addAssignment(onEmpty('as-empty', 'beta', '2026-12-01'), 'eve');
    t.match(next, { ok: true, value: { version: 2 } }, 'the next version of an id is numbered after the version the other instance stored');
    await a.refresh();
    t.same(holdersOfEmpty(a), holdersOfEmpty(b), 'both instances hold the same model');
    t.same(holdersOfEmpty(a), ['as-empty@1:acme', 'as-empty@2:beta']);
  });

  t.test('edits on both instances at the same moment: the second is checked on top of the first', async (t) => {
    const { a, b, openStore } = await two(t);
    for (let i = 0; i < 5; i++) {
      const month = `2027-0${i + 1}-01`;
      const [x, y] = await Promise.all([
        a.addAssignment(onEmpty(`race-${i}-a`, 'acme', month), 'ops'),
        b.addAssignment(onEmpty(`race-${i}-b`, 'beta', month), 'eve'),
      ]);
      t.equal([x, y].filter((r) => r.ok).length, 1, `round ${i}: one of two clashing edits stored`);
      await a.refresh();
      await b.refresh();
      t.same(holdersOfEmpty(a), holdersOfEmpty(b), `round ${i}: both instances agree`);
    }
    const fresh = holder(await openStore());
    await fresh.load();
    t.same(holdersOfEmpty(fresh), holdersOfEmpty(a), 'a restart builds the same model from the stored edits');
  });

  t.test('accounts, contracts and utility prices reach the other instance, and its edits are checked on top of them', async (t) => {
    const { a, b, openStore } = await two(t);
    const v2026 = { version: '2026', validFrom: '2026-01-01', energyPricePerKwh: '0.19' };
    t.ok((await a.addAccount({ id: 'acme-nl', customer: 'acme', name: 'Acme Nederland B.V.' }, 'ops')).ok);
    t.ok((await a.addContractVersion({ contract: 'acme-ams', customer: 'acme', sites: ['ams1'], version: v2026 }, 'ops')).ok);
    t.ok((await a.addUtilityPrice('ams1', { month: '2026-10', pricePerKwh: '0.1527' }, 'ops')).ok);
    const again = await b.addContractVersion({ contract: 'acme-ams', version: { ...v2026, version: '2026b' } }, 'eve');
    t.match(
      again,
      { ok: false, problems: [/must be after the latest version's \(2026: 2026-01-01\)/] },
      "b's edit is checked on a's contract",
    );
    t.notOk(!again.ok && again.conflict, 'a model problem, not a race');
    t.match(await b.addUtilityPrice('ams1', { month: '2026-10', pricePerKwh: '0.1499' }, 'eve'), {
      ok: false,
      problems: [/2026-10 already/],
    });
    t.match(
      await b.addContractVersion(
        { contract: 'acme-ams', version: { version: '2026-11', validFrom: '2026-11-01', energyPricePerKwh: '0.18' } },
        'eve',
      ),
      { ok: true },
    );
    t.equal(await a.refresh(), true, "a finds b's version");
    for (const h of [a, b]) {
      const { model, tariffs } = h.current();
      t.same(
        model.parties.contracts.get('acme-ams')?.versions.map((v) => [v.version, v.validTo]),
        [
          ['2026', '2026-11-01'],
          ['2026-11', undefined],
        ],
      );
      t.equal(model.parties.defaultAccount.get('acme'), 'acme-nl');
      t.same(tariffs.get('ams1')?.utilityPrices, [{ month: '2026-10', pricePerKwh: '0.1527' }]);
    }
    const fresh = holder(await openStore());
    await fresh.load();
    t.same(
      fresh.current().model.parties.contracts.get('acme-ams'),
      a.current().model.parties.contracts.get('acme-ams'),
      'and so does a restart',
    );
  });

  t.test("stored edits that do not apply to an instance's files leave its model alone", async (t) => {
    const { a, sb } = await two(t);
    const lines: string[] = [];
    const log = pino(
      { level: 'error' },
      {
        write: (s: string) => {
          lines.push(s);
        },
      },
    );
    const lean = InventoryFile.parse({
      ...INVENTORY,
      customers: INVENTORY.customers.filter((c) => c.id === 'acme'),
      assignments: INVENTORY.assignments.filter((x) => x.customer === 'acme' && x.id !== 'as-shared'),
    });
    const other = holder(sb, lean, log);
    await other.load();
    const version = other.current().version;
    t.ok((await a.addAssignment(onEmpty('as-empty', 'beta'), 'ops')).ok, "a stores an edit for a customer the other instance's files lack");
    t.equal(await other.refresh(), false, 'not applied');
    t.equal(other.current().version, version, 'the model in use stays');
    t.equal(await other.refresh(), false);
    t.equal(lines.length, 1, 'logged once, not at every refresh');
    t.match(lines[0], /stored edits do not apply/);
    const r = await other.addAssignment({ id: 'as-x', customer: 'acme', rack: 'rk-acme-1', from: '2027-01-01' }, 'ops');
    t.match(
      r,
      { ok: false, conflict: true, problems: [/do not apply to this node's inventory and tariff files/] },
      'its own edits are refused as a conflict',
    );
  });
}

t.test('SQLite: two connections to one file', async (t) => {
  const dir = mkdtempSync(join(tmpdir(), 'jb-instances-'));
  let n = 0;
  instances(t, () => {
    const file = join(dir, `central-${++n}.db`);
    return async () => openSqliteAccessStore({ file, log: quietLog });
  });
});

t.test('PostgreSQL: two pools on one schema', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  const schemas = pgSchemas('jb_instances');
  t.teardown(() => schemas.dropAll());
  instances(t, () => {
    const schema = schemas.next();
    return () => openPostgresAccessStore({ connectionString: PG_URL, schema, log: quietLog });
  });
});

t.test('two central nodes on one PostgreSQL: an edit on one reaches the other within model.refreshS', async (t) => {
  if (!needPeer(t, await pgReachable(), `PostgreSQL at ${PG_URL}`)) return;
  const schemas = pgSchemas('jb_nodes');
  t.teardown(() => schemas.dropAll());
  const schema = schemas.next();
  const inventory = fileURLToPath(new URL('../../config/inventory.example.yaml', import.meta.url));
  const node = async (id: string) => {
    const dir = mkdtempSync(join(tmpdir(), `jb-node-${id}-`));
    await setUser(
      join(dir, 'credentials.yaml'),
      { username: 'noc', password: 'pw-noc', role: 'subscriber' },
      { scrypt: { N: 1024, r: 8, p: 1 }, mosquittoIterations: 101 },
    );
    const config = resolvePaths(
      CentralConfig.parse({
        central: { id },
        inventory,
        model: { refreshS: 1 },
        api: { enabled: false },
        broker: { embedded: { host: '127.0.0.1', port: await freePort() } },
        storage: { postgres: { url: PG_URL, schema } },
      }),
      dir,
    );
    const central = await startCentral({ config, clock: systemClock, log: quietLog });
    t.teardown(() => central.stop());
    return central.models!;
  };
  const [a, b] = [await node('c1'), await node('c2')];
  // The next version of the last assignment (its version number is the holder's to give).
  const r = await a.addAssignment({ ...a.allAssignments().at(-1)!, from: '2031-01-01', note: 'made on c1' }, 'ops');
  t.ok(r.ok, 'c1 stores a new assignment version');
  const stored = r.ok ? r.value : undefined;
  const onB = () => b.allAssignments().some((x) => x.id === stored?.id && x.version === stored.version);
  t.notOk(onB(), 'c2 has not refreshed yet');
  t.ok(await waitFor(onB, 5000), `c2 has version ${stored?.version} of ${stored?.id} after its refresh`);
  t.match(
    b.current().model.assignments.find((x) => x.id === stored?.id && x.version === stored.version),
    { note: 'made on c1' },
  );
  const customer = [...a.current().model.customers.keys()][0]!;
  t.ok((await a.addAccount({ id: 'account-made-on-c1', customer, name: 'Made on c1' }, 'ops')).ok, 'c1 stores a billing account');
  t.ok(await waitFor(() => b.current().model.parties.accounts.has('account-made-on-c1'), 5000), 'c2 has it after its refresh');
});
