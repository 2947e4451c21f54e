// A refusal on one of tobira's own forms is shown on that form again, in the page's language, so
// the user can correct what they entered; anything else (a server error, a step that cannot be
// retried from the form) goes on to the error edge.
import type { Context } from 'koa';
import { AppError } from '../errors/app-error.ts';
import { langOf } from './state.ts';

/**
 * Runs the form's action. A refusal (an AppError below 500) that `showable` accepts is handed to
 * `showAgain`; everything else is thrown on.
 */
export async function showingRefusals(action: () => Promise<void>, showAgain: (error: AppError) => Promise<void>, showable: (error: AppError) => boolean = () => true): Promise<void> {
  try {
    await action();
  } catch (err) {
    if (err instanceof AppError && err.status < 500 && showable(err)) {
      await showAgain(err);
      return;
    }
    throw err;
  }
}

/**
 * A refusal that says when to try again (a rate limit's `retryAfterSeconds`) answers with
 * Retry-After, on a form page and at the error edge alike.
 */
export function setRetryAfter(ctx: Context, error: AppError | undefined): void {
  const seconds = (error as { retryAfterSeconds?: unknown } | undefined)?.retryAfterSeconds;
  if (typeof seconds === 'number' && Number.isFinite(seconds) && seconds > 0) ctx.set('Retry-After', String(Math.ceil(seconds)));
}

/** What a page template shows of a refusal: its message in the page's language and its code. */
export function refusalOnPage(ctx: Context, error: AppError | undefined): { error: string | undefined; errorCode: string | undefined; errorField: string | undefined } {
  setRetryAfter(ctx, error);
  // The field a refusal of one bad field names (InvalidInputError), to tie the message to it (field-errors.ts).
  const field = (error as { field?: unknown } | undefined)?.field;
  return { error: error?.messages[langOf(ctx)], errorCode: error?.code, errorField: typeof field === 'string' ? field : undefined };
}
