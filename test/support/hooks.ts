// Mocha root hooks for the whole run.
import { stopMongoTestServer } from './mongo.ts';

export const mochaHooks = {
  async afterAll(): Promise<void> {
    await stopMongoTestServer();
  },
};
