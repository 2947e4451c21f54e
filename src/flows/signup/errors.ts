import { E } from '../../errors/app-error.ts';

/** The browser holds no sign-up at this step (none started, another sign-in's, expired, or a step skipped). */
export const SignupStepError = E('signup_step_missing', 400);

/** Too many passwords were tried on this proven sign-up lately; the text says when to try again. */
export const SignupPasswordTriesSpentError = E('signup_password_tries_spent', 429, (retryAfterSeconds: number) => ({ retryAfterSeconds }));
