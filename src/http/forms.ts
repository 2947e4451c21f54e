// The shapes of the interaction forms. Parsing here keeps the routes thin and gives every bad
// field the same clear InvalidInputError.
import { z } from 'zod';
import { MAX_PASSWORD_LENGTH } from '../accounts/password-policy.ts';
import { InvalidInputError } from '../errors/http-errors.ts';

const email = z.string().trim().max(254).pipe(z.email());

export const passwordLoginForm = z.object({
  email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const passwordSignUpForm = z.object({
  name: z.string().trim().min(1).max(100),
  email,
  password: z.string().min(1).max(MAX_PASSWORD_LENGTH),
});

export const consentForm = z.object({
  remember: z.literal('on').optional(),
});

export function parseForm<T extends z.ZodType>(schema: T, body: unknown): z.infer<T> {
  const result = schema.safeParse(body ?? {});
  if (!result.success) {
    const field = result.error.issues[0]?.path[0];
    throw new InvalidInputError(typeof field === 'string' ? field : undefined);
  }
  return result.data;
}
