import { E } from '../../errors/app-error.ts';

/** The browser holds no sign-up in progress for this interaction (or it ran out, or was tampered with). */
export const SignupStepError = E('signup_step_missing', 400);
