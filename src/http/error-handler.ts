// The one place where errors become HTTP answers: AppErrors keep their code, status and message
// in the page's language; the store's errors, which carry no status, get theirs here; anything
// else is logged and shown as a generic 500.
import type { Context, Middleware } from 'koa';
import { AppError, CodedError } from '../errors/app-error.ts';
import { InternalError, NotFoundError } from '../errors/http-errors.ts';
import { AlreadyConsumedError, DuplicateKeyError, StoreUnavailableError } from '../store/errors.ts';
import { setRetryAfter } from './form-refusal.ts';
import { render } from './render.ts';
import { stateOf, type RequestState } from './state.ts';

function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json' || ctx.is('json') === 'json';
}

/** What the caller is told when a store error reaches the edge (most are caught by services first). */
function storeStatus(err: CodedError): number {
  if (err instanceof DuplicateKeyError) return 409;
  if (err instanceof AlreadyConsumedError) return 400;
  if (err instanceof StoreUnavailableError) return 503;
  return 500;
}

/** The answer for an error tobira declared (app or store), or undefined for anything else. */
export function asAppError(err: unknown): AppError | undefined {
  if (err instanceof AppError) return err;
  if (err instanceof CodedError) return new AppError(err.code, storeStatus(err), err.params, { cause: err });
  return undefined;
}

export async function respondWithError(ctx: Context, error: AppError): Promise<void> {
  const state = stateOf(ctx);
  const message = error.messages[state.lang];
  setRetryAfter(ctx, error);
  if (wantsJson(ctx)) {
    ctx.status = error.status;
    ctx.body = { error: error.code, message, requestId: state.requestId };
    return;
  }
  await render(ctx, 'error', { code: error.code, message }, error.status);
}

export function errorHandler(): Middleware<RequestState> {
  return async (ctx, next) => {
    try {
      await next();
      if (ctx.status === 404 && ctx.body === undefined) {
        await respondWithError(ctx, new NotFoundError());
      }
    } catch (err) {
      const error = asAppError(err);
      if (error) {
        if (error.status >= 500) ctx.state.log.error({ err }, error.code);
        else ctx.state.log.info({ code: error.code }, 'refused');
        await respondWithError(ctx, error);
        return;
      }
      ctx.state.log.error({ err }, 'unhandled error');
      await respondWithError(ctx, new InternalError());
    }
  };
}
