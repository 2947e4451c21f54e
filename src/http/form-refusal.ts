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

/** What a page template shows of a refusal: its message in the page's language and its code. */
export function refusalOnPage(ctx: Context, error: AppError | undefined): { error: string | undefined; errorCode: string | undefined } {
  return { error: error?.messages[langOf(ctx)], errorCode: error?.code };
}
