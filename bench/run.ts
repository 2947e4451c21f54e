// `npm run bench` — the throughput bench (bench/throughput.ts; options there), or
// `npm run bench -- latency [--mongo]` — the in-process latency checks (bench/latency.ts).
const args = process.argv.slice(2);
if (args[0] === 'latency') {
  await import('./latency.ts');
} else {
  const { parseThroughputOptions, runThroughput } = await import('./throughput.ts');
  await runThroughput(parseThroughputOptions(args));
}
