// Mocha root hooks for the whole run.
import { mkdirSync, writeFileSync } from 'node:fs';
import { auditedPages, settleAccessibility } from './axe.ts';
import { stopMongoTestServer } from './mongo.ts';

export const mochaHooks = {
  // Every page a browser test loaded was audited by axe-core (axe.ts): its violations fail the test.
  async afterEach(): Promise<void> {
    await settleAccessibility();
  },
  async afterAll(): Promise<void> {
    await stopMongoTestServer();
    const pages = auditedPages();
    if (pages.length > 0) {
      mkdirSync('test-output', { recursive: true });
      writeFileSync('test-output/axe-audited.txt', `${pages.join('\n')}\n`);
    }
  },
};
