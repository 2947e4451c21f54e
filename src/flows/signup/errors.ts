import { AppError } from '../../errors/app-error.ts';

/** The browser holds no sign-up at this step (none started, another sign-in's, expired, or a step skipped). */
export class SignupStepError extends AppError {
  constructor() {
    super('signup_step_missing', 400, {
      en: 'Please start the sign-up again from the beginning.',
      ja: '最初から登録をやり直してください。',
    });
  }
}
