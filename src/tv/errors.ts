import { E } from '../errors/app-error.ts';

/** The /activate form came without the browser session its page started (cookie gone, forged or expired). */
export const ActivationExpiredError = E('activation_expired', 400);
