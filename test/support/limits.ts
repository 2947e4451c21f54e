// The limit settings a test builds a RateLimiter with when it does not start a whole tobira: the
// defaults of the configuration schema.
import type { LimitSettings } from '../../src/limits/limits.ts';

export const TEST_LIMIT_SETTINGS: LimitSettings = {
  oneTimeCode: { ttlSeconds: 600, maxAttempts: 5, attemptWindowSeconds: 3600 },
  push: { denialLimit: 3, denialWindowSeconds: 3600, maxPending: 3, maxPerHour: 10, wrongNumberPauseSeconds: 3600 },
};
