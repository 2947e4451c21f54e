// The shapes of the sign-in page's own forms.
import { z } from 'zod';
import { email, password } from '../http/fields.ts';

export const passwordLoginForm = z.object({ email, password: password.min(1) });

export const consentForm = z.object({
  remember: z.literal('on').optional(),
});
