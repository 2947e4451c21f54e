// `npm run bench -- --rounds=N`: the grid runs N times over and each line gets a median and range,
// so one slow minute on a shared machine does not stand for a line's figure.
import assert from 'node:assert/strict';
import { parseThroughputOptions, summarise, type ScenarioResult } from '../../bench/throughput.ts';

function run(scenario: string, users: number, round: number, flowsPerSecond: number, cpu: number, p99Ms: number, errors = 0): ScenarioResult {
  return {
    scenario, users, round, flows: flowsPerSecond * 10, seconds: 10, flowsPerSecond, p50Ms: 1, p99Ms, errors,
    serverCpuSeconds: 9, databaseCpuSeconds: NaN, flowsPerServerCpuSecond: cpu, flowsPerTotalCpuSecond: cpu,
    storeCallsPerFlow: 26, dbRoundTripsPerFlow: NaN, storeCallsByMethod: {}, dbCommandsByName: {}, rssAfterMb: 200,
  };
}

describe('bench rounds', () => {
  it('reads --rounds, one round by default, and refuses anything but a whole number of at least 1', () => {
    assert.equal(parseThroughputOptions([]).rounds, 1);
    assert.equal(parseThroughputOptions(['--rounds=5']).rounds, 5);
    for (const bad of ['0', '-1', '2.5', 'many', '']) {
      assert.throws(() => parseThroughputOptions([`--rounds=${bad}`]), /--rounds must be a whole number of at least 1/);
    }
  });

  it('gives each line of the grid the median and range of its rounds', () => {
    const summary = summarise([
      run('passkey', 8, 1, 180, 198, 125), run('refresh', 8, 1, 1300, 1500, 49),
      run('passkey', 8, 2, 120, 130, 210, 2), run('refresh', 8, 2, 1100, 1200, 52),
      run('passkey', 8, 3, 170, 186, 130), run('refresh', 8, 3, 1000, 1100, 60),
      run('passkey', 8, 4, 125, 140, 190),
    ]);
    assert.deepEqual(summary, [
      { scenario: 'passkey', users: 8, rounds: 4, flowsPerSecond: { median: 147.5, min: 120, max: 180 }, flowsPerServerCpuSecond: { median: 163, min: 130, max: 198 }, p99Ms: { median: 160, max: 210 }, errors: 2 },
      { scenario: 'refresh', users: 8, rounds: 3, flowsPerSecond: { median: 1100, min: 1000, max: 1300 }, flowsPerServerCpuSecond: { median: 1200, min: 1100, max: 1500 }, p99Ms: { median: 52, max: 60 }, errors: 0 },
    ]);
  });
});
