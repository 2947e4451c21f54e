// mocha's spec reporter, plus one plain closing line "N passed, N failed, N skipped" that CI
// tooling reads whatever the test runner.
import Mocha from 'mocha';

const { Spec } = Mocha.reporters;
const { EVENT_RUN_END } = Mocha.Runner.constants;

export default class SummaryReporter extends Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    runner.once(EVENT_RUN_END, () => {
      const stats = runner.stats;
      if (!stats) return;
      // Spec registered its epilogue on this event first (in super), so this line comes after it.
      console.log(`${stats.passes} passed, ${stats.failures} failed, ${stats.pending} skipped`);
    });
  }
}
