import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { startTobira } from '../test/support/tobira.ts';
import { partnerClient, PARTNER_SECRET } from '../test/support/partner.ts';
const t = await startTobira({ store: 'memory', clients: [partnerClient()] });
const direct = createServer(t.provider.callback());
await new Promise<void>((r) => direct.listen(0, '127.0.0.1', r));
const dport = (direct.address() as AddressInfo).port;
const auth = `Basic ${Buffer.from(`partner-web:${PARTNER_SECRET}`).toString('base64')}`;
async function run(base: string, n: number): Promise<number> {
  const c0 = process.cpuUsage();
  for (let i = 0; i < n; i += 8) {
    await Promise.all(Array.from({ length: 8 }, async () => {
      const res = await fetch(`${base}/token/introspection`, { method: 'POST', headers: { authorization: auth, 'content-type': 'application/x-www-form-urlencoded' }, body: 'token=abc' });
      await res.arrayBuffer();
      if (res.status !== 200) throw new Error(String(res.status));
    }));
  }
  const u = process.cpuUsage(c0);
  return (u.user + u.system) / n;
}
for (let round = 0; round < 1; round++) {
  const full = await run(`http://127.0.0.1:${t.port}`, 4000);
  const bare = await 0;
  console.log(`full app ${full.toFixed(0)} µs, provider alone ${bare.toFixed(0)} µs per request (client included in both)`);
}
direct.close(); await t.close(); process.exit(0);
