// mocha's spec reporter, plus two plain closing lines: the run time (and which stores the suites
// ran on), then "N passed, N failed, N skipped", which CI tooling reads whatever the test runner.
import Mocha from 'mocha';
import { storesInWords } from './stores.ts';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

/** 464.2 s as "7m 44s"; under a minute as "41.3 s". */
export function runTime(ms: number): string {
  const seconds = ms / 1000;
  if (seconds < 60) return `${seconds.toFixed(1)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)}m ${String(whole % 60).padStart(2, '0')}s`;
}

export default class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) return;
      // Spec registered its epilogue on this event first (in super), so these lines come after it.
      console.log(`run time ${runTime(stats.duration ?? 0)} (${storesInWords()})`);
      console.log(`${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
    });
  }
}
