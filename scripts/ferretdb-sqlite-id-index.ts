// Adds to every collection table of a FerretDB 1.x SQLite directory the index FerretDB's own
// queries by `_id` can use. Run it against the directory given to FerretDB as --sqlite-url, after
// tobira's first start (which creates its collections) and again after an upgrade adds some:
//
//   node scripts/ferretdb-sqlite-id-index.ts /var/lib/ferretdb/
//
// Why: FerretDB 1.24 creates the `_id` index as `_ferretdb_sjson->"_id"` (registry.go, indexesCreate)
// but filters, updates and deletes by `_ferretdb_sjson->'$._id'` (metadata.IDColumn). SQLite uses an
// index on an expression only when the query spells the same expression, so every read, update and
// delete by `_id` scans the table (EXPLAIN QUERY PLAN: SCAN). This index spells it the way the
// queries do (SEARCH ... USING INDEX). It is plain SQLite: FerretDB neither lists nor drops it, and
// it goes with its table when the collection is dropped. FerretDB's own unique index still decides
// duplicate keys, so this one is not unique. Safe while FerretDB runs (busy timeout, WAL).
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import { DatabaseSync } from 'node:sqlite';

/** Suffix of the index's name, after the table name, as FerretDB names its own `<table>_<index>`. */
export const ID_PATH_INDEX_SUFFIX = '_sqlite_id_path';

/** The expression FerretDB 1.24's SQLite backend filters `_id` by (metadata.IDColumn). */
const ID_EXPRESSION = `_ferretdb_sjson->'$._id'`;

export interface IndexedTable {
  /** The FerretDB database (the file's name without `.sqlite`). */
  database: string;
  collection: string;
  table: string;
  /** False when the index was there already. */
  created: boolean;
}

function quoteIdentifier(name: string): string {
  return `"${name.replaceAll('"', '""')}"`;
}

/**
 * Every `<database>.sqlite` of `dir` (or only `database`'s): creates the index where it is
 * missing; returns each collection's table.
 */
export function addIdPathIndexes(dir: string, database?: string): IndexedTable[] {
  const done: IndexedTable[] = [];
  const files = database === undefined ? readdirSync(dir).filter((name) => name.endsWith('.sqlite')).sort() : [`${database}.sqlite`];
  for (const file of files) {
    // Opening a missing file would create an empty database beside FerretDB's.
    if (!existsSync(join(dir, file))) continue;
    const db = new DatabaseSync(join(dir, file));
    try {
      db.exec('PRAGMA busy_timeout = 10000');
      const hasCatalog = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'table' AND name = '_ferretdb_collections'`).get();
      if (!hasCatalog) continue;
      const collections = db.prepare('SELECT name, table_name FROM _ferretdb_collections ORDER BY name').all() as Array<{ name: string; table_name: string }>;
      for (const { name, table_name: table } of collections) {
        const index = `${table}${ID_PATH_INDEX_SUFFIX}`;
        const exists = db.prepare(`SELECT 1 FROM sqlite_master WHERE type = 'index' AND name = ?`).get(index);
        if (!exists) db.exec(`CREATE INDEX IF NOT EXISTS ${quoteIdentifier(index)} ON ${quoteIdentifier(table)} (${ID_EXPRESSION})`);
        done.push({ database: file.slice(0, -'.sqlite'.length), collection: name, table, created: !exists });
      }
    } finally {
      db.close();
    }
  }
  return done;
}

const isMain = import.meta.url === `file://${process.argv[1]}`;
if (isMain) {
  const dir = process.argv[2];
  if (!dir) {
    console.error('usage: node scripts/ferretdb-sqlite-id-index.ts <FerretDB SQLite directory (its --sqlite-url path)>');
    process.exit(2);
  }
  const tables = addIdPathIndexes(dir);
  const created = tables.filter((t) => t.created).length;
  console.log(`${created} index(es) created, ${tables.length - created} already there, in ${new Set(tables.map((t) => t.database)).size} database(s) under ${dir}`);
}
