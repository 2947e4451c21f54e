import assert from 'node:assert/strict';
import { freePort } from '../support/ports.ts';
import request from 'supertest';
import { startMain } from '../support/processes.ts';
import { startTobira } from '../support/tobira.ts';
import { freshStore, USES_MONGO } from '../support/stores.ts';

describe('operations', () => {
  // On mongo, the one store whose server can go away under a running process.
  if (USES_MONGO) it('/healthz answers while the process runs; /readyz only while the store answers', async () => {
    const store = await freshStore('mongo');
    const tobira = await startTobira({ store });
    try {
      assert.deepEqual((await request(tobira.issuer).get('/healthz').expect(200)).body, { status: 'ok' });
      assert.deepEqual((await request(tobira.issuer).get('/readyz').expect(200)).body, { status: 'ready', store: 'mongo' });
      await store.close();
      assert.deepEqual((await request(tobira.issuer).get('/readyz').expect(503)).body, { status: 'unavailable', store: 'mongo' });
      await request(tobira.issuer).get('/healthz').expect(200);
    } finally {
      await tobira.close();
    }
  });

  it('keeps a sane X-Request-Id from the load balancer and makes one up otherwise', async () => {
    const tobira = await startTobira({ store: 'memory' });
    try {
      const kept = await request(tobira.issuer).get('/healthz').set('X-Request-Id', 'lb-1234');
      assert.equal(kept.headers['x-request-id'], 'lb-1234');
      const replaced = await request(tobira.issuer).get('/healthz').set('X-Request-Id', 'bad id with spaces <script>');
      assert.match(replaced.headers['x-request-id'] ?? '', /^[0-9a-f-]{36}$/);
    } finally {
      await tobira.close();
    }
  });

  it('serves pages with a strict CSP and no inline script', async () => {
    const tobira = await startTobira({ store: 'memory', env: { DEMO: 'true' } });
    try {
      const res = await request(tobira.issuer).get('/').expect(200);
      assert.match(res.headers['content-security-policy'] ?? '', /script-src 'self'/);
      assert.doesNotMatch(res.headers['content-security-policy'] ?? '', /unsafe-inline/);
      assert.doesNotMatch(res.text, /<script(?![^>]*\bsrc=)/, 'no inline <script>');
      assert.doesNotMatch(res.text, /\sstyle="/, 'no inline style');
      assert.equal(res.headers['x-frame-options'], 'DENY');
    } finally {
      await tobira.close();
    }
  });

  it('answers in Japanese by default, in English when asked, and remembers the switch', async () => {
    const tobira = await startTobira({ store: 'memory' });
    try {
      assert.match((await request(tobira.issuer).get('/nope')).text, /<html lang="ja">[\s\S]*このページは存在しません/);
      assert.match((await request(tobira.issuer).get('/nope').set('Accept-Language', 'en-US,en;q=0.9')).text, /This page does not exist/);
      const agent = request.agent(tobira.issuer);
      await agent.get('/?lang=en').set('Accept-Language', 'ja').expect(200);
      assert.match((await agent.get('/nope').set('Accept-Language', 'ja')).text, /<html lang="en">/);
    } finally {
      await tobira.close();
    }
  });

  it('logs JSON lines with request ids, and stops cleanly on SIGTERM', async () => {
    const port = await freePort();
    const main = await startMain({ NODE_ENV: 'development', PORT: String(port), LOG_LEVEL: 'info' });
    const res = await fetch(`http://localhost:${port}/healthz`, { headers: { 'x-request-id': 'trace-me-42' } });
    assert.equal(res.status, 200);
    const code = await main.stop();
    assert.equal(code, 0, main.output());
    const lines = main.output().split('\n').filter((l) => l.startsWith('{')).map((l) => JSON.parse(l) as Record<string, unknown>);
    const access = lines.find((l) => l.reqId === 'trace-me-42');
    assert.ok(access, 'the request is logged with its id');
    assert.equal(access.path, '/healthz');
    assert.equal(access.status, 200);
    assert.ok(lines.some((l) => l.msg === 'stopped'), 'shutdown is logged');
    assert.ok(lines.some((l) => /memory store/.test(String(l.msg))), 'running on memory is said at start');
  });
});
