import { E } from '../../errors/app-error.ts';

/** The browser holds no sign-up at this step (none started, another sign-in's, expired, or a step skipped). */
export const SignupStepError = E('signup_step_missing', 400);
