// The schedule main.ts starts: expired records swept (memory store) and trusted browsers trimmed.
import assert from 'node:assert/strict';
import { AuditLog } from '../audit/audit-log.ts';
import { MAX_TRUSTED_BROWSERS, TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import { createLogger } from '../log.ts';
import { createMemoryStore } from '../store/memory/index.ts';
import { startHousekeeping } from './housekeeping.ts';

describe('housekeeping', () => {
  it('sweeps expired records and trims trusted browsers on its schedule', async () => {
    let clock = Date.now();
    const store = createMemoryStore({ now: () => clock });
    const logger = createLogger('silent');
    const trustedBrowsers = new TrustedBrowserService(store.trustedBrowsers, new AuditLog(store.audit, logger), 30, () => clock);
    const audit = { actor: 'user', ip: null, userAgent: null };
    for (let i = 0; i < MAX_TRUSTED_BROWSERS + 3; i += 1) await trustedBrowsers.trust('acc-1', undefined, undefined, audit);
    await store.blocks.block('short', new Date(clock + 1000), 'test');
    clock += 2000;

    const housekeeping = startHousekeeping({ store, trustedBrowsers, logger, everyMs: 20 });
    try {
      const deadline = Date.now() + 5000;
      while ((await trustedBrowsers.list('acc-1')).length > MAX_TRUSTED_BROWSERS && Date.now() < deadline) await new Promise((resolve) => setTimeout(resolve, 20));
      assert.equal((await trustedBrowsers.list('acc-1')).length, MAX_TRUSTED_BROWSERS, 'trimmed by the schedule, without being asked');
      assert.equal(store.footprint().blocks?.records, 0, 'the expired block is swept');
    } finally {
      housekeeping.stop();
    }
  });
});
