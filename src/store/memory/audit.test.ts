import assert from 'node:assert/strict';
import type { AuditEvent, NewAuditEvent } from '../types.ts';
import { MemoryAudit } from './audit.ts';

describe('memory audit log: bounded', () => {
  const base = Date.UTC(2026, 0, 1);

  function event(i: number): NewAuditEvent {
    return {
      at: new Date(base + i * 1000),
      type: i % 2 === 0 ? 'sign_in' : 'sign_in_failed',
      accountId: `acc-${i % 3}`,
      actor: 'user',
      ip: null,
      userAgent: null,
      details: { n: i },
    };
  }

  const numbers = (events: AuditEvent[]): number[] => events.map((e) => Number(e.details.n));

  it('keeps at most its cap, forgetting the oldest events from every list and search', async () => {
    const audit = new MemoryAudit(10);
    for (let i = 0; i < 25; i += 1) await audit.append(event(i));
    const all = numbers(await audit.list({ limit: 100 }));
    assert.ok(all.length <= 10 && all.length >= 9, `kept ${all.length}`);
    assert.deepEqual(all, Array.from({ length: all.length }, (_x, k) => 24 - k), 'the newest, newest first, with no gap');
    const oldestKept = all.at(-1)!;
    // The account and type lists forget the same events as the log.
    for (let a = 0; a < 3; a += 1) {
      assert.deepEqual(numbers(await audit.listByAccount(`acc-${a}`, 100)), all.filter((n) => n % 3 === a));
    }
    assert.deepEqual(numbers(await audit.list({ type: 'sign_in', limit: 100 })), all.filter((n) => n % 2 === 0));
    assert.deepEqual(numbers(await audit.search({ types: ['sign_in', 'sign_in_failed'], limit: 100 })), all);
    assert.deepEqual(numbers(await audit.search({ from: new Date(base), limit: 100 })).at(-1), oldestKept);
  });

  it('pages on across the trim with the cursor of a kept event', async () => {
    const audit = new MemoryAudit(10);
    for (let i = 0; i < 20; i += 1) await audit.append(event(i));
    const [first, second, third] = await audit.list({ limit: 3 });
    assert.ok(first && second && third);
    for (let i = 20; i < 23; i += 1) await audit.append(event(i));
    const next = numbers(await audit.search({ after: { at: third.at, id: third.id }, limit: 100 }));
    assert.ok(next.length > 0);
    assert.deepEqual(next, Array.from({ length: next.length }, (_x, k) => Number(third.details.n) - 1 - k));
  });

  it('keeps everything below its cap', async () => {
    const audit = new MemoryAudit(10);
    for (let i = 0; i < 10; i += 1) await audit.append(event(i));
    assert.equal((await audit.list({ limit: 100 })).length, 10);
  });
});
