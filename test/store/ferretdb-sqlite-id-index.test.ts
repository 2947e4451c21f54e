// scripts/ferretdb-sqlite-id-index.ts on a real FerretDB 1.24 (SQLite): its own `_id` index does not
// serve its queries (SCAN); the added one does (SEARCH), and the store works the same over it.
import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';
import { promisify } from 'node:util';
import mongoose from 'mongoose';
import { ferretdbBinaryPath } from '../../scripts/ensure-ferretdb.ts';
import { ID_PATH_INDEX_SUFFIX, addIdPathIndexes } from '../../scripts/ferretdb-sqlite-id-index.ts';
import { AlreadyConsumedError } from '../../src/store/errors.ts';
import { createMongoStore } from '../../src/store/mongo/index.ts';
import { ferretdbSqliteDir, mongoTestUri, uniqueDbName } from '../support/mongo.ts';
import { USES_MONGO } from '../support/stores.ts';
import { assertRejectsWith } from './contract/support.ts';

const run = promisify(execFile);
const SCRIPT = join(import.meta.dirname, '..', '..', 'scripts', 'ferretdb-sqlite-id-index.ts');

/** FerretDB's plan for a find by `_id` alone (SQLite: EXPLAIN QUERY PLAN lines). */
async function planOf(db: mongoose.mongo.Db, collection: string): Promise<string> {
  const explained = await db.command({ explain: { find: collection, filter: { _id: 'some-id' } } }) as { queryPlanner?: { Plan?: string[] } };
  return (explained.queryPlanner?.Plan ?? []).join('\n');
}

/** SQLite's plan for the statement FerretDB 1.24 runs for a find by `_id` (sqlite/query.go). */
function sqlitePlan(file: string, table: string): string {
  const db = new DatabaseSync(file, { readOnly: true });
  try {
    const rows = db.prepare(`EXPLAIN QUERY PLAN SELECT _ferretdb_sjson FROM "${table}" WHERE _ferretdb_sjson->'$._id' = ?`).all('"some-id"') as Array<{ detail: string }>;
    return rows.map((row) => row.detail).join('\n');
  } finally {
    db.close();
  }
}

// FerretDB's files are only reachable when the tests started it (not with MONGODB_URI).
const canRun = USES_MONGO && !process.env.MONGODB_URI && existsSync(ferretdbBinaryPath());

describe('FerretDB (SQLite): the _id index its queries use (scripts/ferretdb-sqlite-id-index.ts)', () => {
  if (canRun) {
    it('turns the scan of a read by _id into an index search, once, and the store works the same over it', async () => {
      const dbName = uniqueDbName('tobira_id_index');
      const uri = await mongoTestUri(dbName);
      const dir = await ferretdbSqliteDir();
      assert.ok(dir);
      const store = await createMongoStore(uri);
      const client = await mongoose.createConnection(uri).asPromise();
      try {
        await store.init();
        const db = client.db!;
        const codes = store.oidc('AuthorizationCode');
        await codes.upsert('c1', { grantId: 'g1' }, 60);

        assert.match(await planOf(db, 'oidc_authorization_code'), /SCAN /, 'FerretDB\'s own _id index does not serve the query');
        const first = addIdPathIndexes(dir, dbName);
        const code = first.find((table) => table.collection === 'oidc_authorization_code');
        assert.ok(code?.created, 'created for a collection init() made');
        assert.ok(first.length > 20 && first.every((table) => table.created && table.database === dbName));
        // FerretDB's EXPLAIN may answer from a pooled connection's schema of before the index, so
        // the plan of the statement FerretDB runs (sqlite/query.go) is asked of a fresh connection.
        assert.match(sqlitePlan(join(dir, `${dbName}.sqlite`), code.table), new RegExp(`SEARCH .* USING INDEX ${code.table}${ID_PATH_INDEX_SUFFIX}`));
        assert.ok(addIdPathIndexes(dir, dbName).every((table) => !table.created), 'a second run creates nothing');
        assert.deepEqual(addIdPathIndexes(dir, 'no_such_database'), []);
        assert.equal(existsSync(join(dir, 'no_such_database.sqlite')), false, 'no empty database file is left behind');

        // Reads, writes, deletes and duplicate keys through the store, over the added index.
        await codes.upsert('c2', { grantId: 'g2' }, 60);
        assert.deepEqual(await codes.find('c1'), { grantId: 'g1' });
        await codes.consume('c1');
        await assertRejectsWith(codes.consume('c1'), AlreadyConsumedError);
        await codes.upsert('c1', { grantId: 'g3' }, 60);
        assert.deepEqual(await codes.find('c1'), { grantId: 'g3' });
        await codes.destroy('c2');
        assert.equal(await codes.find('c2'), undefined);
        await store.challenges.put({ key: 'k', challenge: 'ch', accountId: null, expiresAt: new Date(Date.now() + 60_000) });
        assert.equal((await store.challenges.take('k'))?.challenge, 'ch');
        assert.equal(await store.challenges.take('k'), undefined);
        await assert.rejects(db.collection<{ _id: string }>('oidc_authorization_code').insertOne({ _id: 'c1' }), (err: unknown) => (err as { code?: number }).code === 11000);
      } finally {
        await client.close();
        await store.close();
      }
    });

    it('runs from the command line on FerretDB\'s directory, and says how to when given none', async () => {
      const dir = await ferretdbSqliteDir();
      assert.ok(dir);
      const { stdout } = await run(process.execPath, ['--disable-warning=ExperimentalWarning', SCRIPT, `${dir}/`]);
      assert.match(stdout, /^\d+ index\(es\) created, \d+ already there, in \d+ database\(s\) under /);
      await assert.rejects(run(process.execPath, ['--disable-warning=ExperimentalWarning', SCRIPT]), (err: { code?: number; stderr?: string }) => err.code === 2 && /usage: /.test(err.stderr ?? ''));
    });
  }
});
