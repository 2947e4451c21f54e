// `npm run bench -- ferretdb [--sizes=1000,6000] [--ferretdb=postgresql]`: how long FerretDB 1.24
// takes for one read, update, replace, delete and insert by `_id` in a collection of N documents
// (~1 KB each), before and after adding the `_id` index its queries can use (scripts/ferretdb-
// sqlite-id-index.ts, or ferretdb-postgresql-id-index.sql), and for an update whose filter has a
// second field (`{ _id, rev }`), which FerretDB's SQLite backend does not push down at all.
// Median wall time per operation, and FerretDB's own CPU per operation (PostgreSQL's not counted).
import { randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import mongoose from 'mongoose';
import { addFerretIdIndexes, startFerret } from './throughput.ts';

const args = process.argv.slice(2);
const option = (name: string): string | undefined => args.find((a) => a.startsWith(`--${name}=`))?.slice(name.length + 3);
const backend = option('ferretdb') === 'postgresql' ? 'postgresql' : 'sqlite';
const sizes = (option('sizes') ?? '1000,6000').split(',').map(Number);
const DATABASE = 'ferretdb_ops';
const RUNS = 30;

interface Doc { _id: string; payload: { pad: string }; n: number; rev: string }

const ferret = await startFerret(backend);
const client = new mongoose.mongo.MongoClient(ferret.uri.replace(/\/[^/]*$/, `/${DATABASE}`));
/** FerretDB's user + system CPU in ms, from /proc (clock ticks of 10 ms). */
const ferretCpuMs = (): number => {
  const fields = readFileSync(`/proc/${ferret.pids[0]}/stat`, 'utf8').split(') ')[1]!.split(' ');
  return (Number(fields[11]) + Number(fields[12])) * 10;
};
const pad = 'x'.repeat(900);
const newId = (): string => randomBytes(16).toString('base64url');

async function measure(operation: () => Promise<unknown>, runs = RUNS): Promise<string> {
  const times: number[] = [];
  const cpu0 = ferretCpuMs();
  for (let i = 0; i < runs; i += 1) {
    const start = performance.now();
    await operation();
    times.push(performance.now() - start);
  }
  const cpu = (ferretCpuMs() - cpu0) / runs;
  times.sort((a, b) => a - b);
  return `${times[Math.floor(runs / 2)]!.toFixed(1)} ms (${cpu.toFixed(1)})`;
}

try {
  await client.connect();
  const db = client.db(DATABASE);
  console.log(`FerretDB 1.24 on ${backend}: median ms per operation (FerretDB CPU ms per operation, ±${(10 / RUNS).toFixed(2)})`);
  console.log('documents | _id index | find | updateOne | replaceOne | deleteOne | insertOne | updateOne { _id, rev }');
  for (const size of sizes) {
    const collection = db.collection<Doc>(`docs_${size}`);
    const ids: string[] = [];
    for (let i = 0; i < size; i += 500) {
      const batch = Array.from({ length: Math.min(500, size - i) }, () => ({ _id: newId(), payload: { pad }, n: 0, rev: 'r' }));
      ids.push(...batch.map((doc) => doc._id));
      await collection.insertMany(batch);
    }
    const pick = (): string => ids[Math.floor(Math.random() * ids.length)]!;
    for (const indexed of [false, true]) {
      if (indexed) addFerretIdIndexes(ferret, DATABASE);
      const row = [
        await measure(() => collection.findOne({ _id: pick() })),
        await measure(() => collection.updateOne({ _id: pick() }, { $inc: { n: 1 } })),
        await measure(() => collection.replaceOne({ _id: pick() }, { payload: { pad }, n: 1, rev: 'r' })),
        await measure(() => collection.deleteOne({ _id: ids.pop()! })),
        await measure(async () => {
          const _id = newId();
          await collection.insertOne({ _id, payload: { pad }, n: 0, rev: 'r' });
          ids.push(_id);
        }),
        await measure(() => collection.updateOne({ _id: pick(), rev: 'r' }, { $inc: { n: 1 } }), 5),
      ];
      console.log(`${size} | ${indexed ? 'added' : 'stock'} | ${row.join(' | ')}`);
    }
  }
} finally {
  await client.close();
  await ferret.stop();
}
