// The periodic work of every process that no request does: expired records removed where the
// database does not remove them itself, and each account's trusted browsers kept to the cap. Both
// are housekeeping, not correctness: reads ignore expired records, and a browser past the cap is
// still the user's own until it is forgotten.
import type { TrustedBrowserService } from '../browsers/trusted-browser-service.ts';
import type { Logger } from '../log.ts';
import { needsSweep } from '../store/index.ts';
import type { Store } from '../store/types.ts';

export interface Housekeeping {
  stop(): void;
}

export function startHousekeeping(options: { store: Store; trustedBrowsers: TrustedBrowserService; logger: Logger; everyMs: number }): Housekeeping {
  const { store, trustedBrowsers, logger } = options;
  const sweep = needsSweep(store);
  let running: Promise<void> | undefined;

  async function round(): Promise<void> {
    if (sweep) {
      const count = await store.sweepExpired().catch((err: unknown) => { logger.warn({ err }, 'sweep failed'); return 0; });
      if (count > 0) logger.debug({ count }, 'swept expired records');
    }
    const forgotten = await trustedBrowsers.forgetBeyondCap().catch((err: unknown) => { logger.warn({ err }, 'trimming trusted browsers failed'); return 0; });
    if (forgotten > 0) logger.info({ forgotten }, 'trusted browsers past the per-account cap forgotten');
  }

  // A round still running when the next is due is not started twice; a round never rejects.
  const timer = setInterval(() => { running ??= round().finally(() => { running = undefined; }); }, options.everyMs);
  timer.unref();
  return { stop: () => clearInterval(timer) };
}
