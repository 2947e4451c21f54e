-- Adds to every collection table of one FerretDB 1.x database on PostgreSQL the index FerretDB's
-- own finds by `_id` can use. Run it after tobira's first start (which creates its collections) and
-- again after an upgrade adds some; the schema is the database name in tobira's MONGODB_URI:
--
--   psql "$FERRETDB_POSTGRESQL_URL" -v schema=tobira -f scripts/ferretdb-postgresql-id-index.sql
--
-- Why: FerretDB 1.24 filters a find by `_jsonb->$1 @> $2` (backends/postgresql/query.go,
-- filterEqual), which its btree index on `_jsonb->'_id'` cannot serve, so every find scans the
-- table (its updates and deletes by `_jsonb->'_id' = $1` do use that btree). A GIN index on the
-- same expression serves `@>` once PostgreSQL plans with the values (custom plans, the default for
-- FerretDB's prepared statements while they are cheaper than a generic plan, as here).
-- FerretDB neither lists nor drops it; it goes with its table when the collection is dropped.
SELECT set_config('tobira.ferretdb_schema', :'schema', false);

DO $$
DECLARE
  s text := current_setting('tobira.ferretdb_schema');
  t text;
BEGIN
  FOR t IN EXECUTE format('SELECT _jsonb->>''table'' FROM %I._ferretdb_database_metadata', s) LOOP
    EXECUTE format('CREATE INDEX IF NOT EXISTS %I ON %I.%I USING gin ((_jsonb->''_id''))', 'id_gin_' || md5(t), s, t);
  END LOOP;
END $$;
