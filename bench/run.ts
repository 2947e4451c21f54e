// `npm run bench` — the throughput bench (bench/throughput.ts; options there; `soak` is its
// 20 000-sign-in RSS mode), or
// `npm run bench -- latency [--mongo]` — the in-process latency checks (bench/latency.ts), or
// `npm run bench -- memory` — what each dependency costs in memory at load (bench/startup-memory.ts), or
// `npm run bench -- ferretdb` — FerretDB's time per operation by `_id`, with and without the index (bench/ferretdb-ops.ts).
const args = process.argv.slice(2);
if (args[0] === 'latency') {
  await import('./latency.ts');
} else if (args[0] === 'memory') {
  await import('./startup-memory.ts');
} else if (args[0] === 'ferretdb') {
  await import('./ferretdb-ops.ts');
} else {
  const { parseThroughputOptions, runThroughput } = await import('./throughput.ts');
  await runThroughput(parseThroughputOptions(args));
}
