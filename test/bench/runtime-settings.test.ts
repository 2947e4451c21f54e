// The bench runs its servers with the image's runtime settings, read from the Dockerfile: one
// source, so a change to the image changes what the bench measures.
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { dockerNodeFlags, dockerRuntimeEnv, productionRuntimeEnv } from '../../bench/runtime-settings.ts';

describe('bench runtime settings', () => {
  it("reads the Dockerfile's memory settings, leaving NODE_ENV and PORT to the bench", () => {
    const env = dockerRuntimeEnv();
    assert.equal(env.MALLOC_ARENA_MAX, '2');
    assert.match(env.NODE_OPTIONS ?? '', /--max-semi-space-size=\d+/);
    assert.equal(env.NODE_ENV, undefined);
    assert.equal(env.PORT, undefined);
  });

  it('takes the last stage only, joins continued lines and reads both ENV forms', () => {
    const dockerfile = [
      'FROM node:24-slim AS build',
      'ENV BUILD_ONLY=1',
      'FROM node:24-slim',
      'ENV NODE_ENV=production PORT=3000',
      'ENV MALLOC_ARENA_MAX=2 \\',
      '    NODE_OPTIONS="--max-semi-space-size=4 --stack-size=900"',
      'ENV TZ UTC',
      'CMD ["node", "src/main.ts"]',
    ].join('\n');
    assert.deepEqual(dockerRuntimeEnv(dockerfile), { MALLOC_ARENA_MAX: '2', NODE_OPTIONS: '--max-semi-space-size=4 --stack-size=900', TZ: 'UTC' });
  });

  it("keeps NODE_OPTIONS the caller has, the image's after them", () => {
    const env = productionRuntimeEnv({ NODE_OPTIONS: '--trace-warnings' });
    assert.match(env.NODE_OPTIONS ?? '', /^--trace-warnings --max-semi-space-size=\d+$/);
  });

  it("reads the node flags of the last CMD, not the health check's", () => {
    const dockerfile = [
      'FROM node:24-slim',
      'HEALTHCHECK --interval=30s \\',
      '  CMD ["node", "-e", "process.exit(0)"]',
      'CMD ["node", "--optimize-for-size", "--disable-warning=ExperimentalWarning", "src/main.ts"]',
    ].join('\n');
    assert.deepEqual(dockerNodeFlags(dockerfile), ['--optimize-for-size', '--disable-warning=ExperimentalWarning']);
    assert.throws(() => dockerNodeFlags('FROM x\nCMD ["npm", "start"]'), /not \["node"/);
    assert.ok(dockerNodeFlags().includes('--disable-warning=ExperimentalWarning'), "the real Dockerfile's CMD is read");
  });

  it("starts this node with the image's flags and NODE_OPTIONS (a V8 flag a Node release dropped would stop the image)", () => {
    const run = spawnSync(process.execPath, [...dockerNodeFlags(), '-e', '0'], { env: { ...process.env, ...productionRuntimeEnv({}) }, encoding: 'utf8' });
    assert.equal(run.status, 0, run.stderr);
  });
});
