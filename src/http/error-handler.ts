// The one place where errors become HTTP answers: AppErrors keep their code, status and message
// in the page's language; anything else is logged and shown as a generic 500.
import type { Context, Middleware } from 'koa';
import { AppError } from '../errors/app-error.ts';
import { InternalError, NotFoundError } from '../errors/http-errors.ts';
import { render } from './render.ts';
import type { RequestState } from './state.ts';

function wantsJson(ctx: Context): boolean {
  return ctx.accepts('html', 'json') === 'json' || ctx.is('json') === 'json';
}

export async function respondWithError(ctx: Context, error: AppError): Promise<void> {
  const state = ctx.state as RequestState;
  const message = error.messages[state.lang];
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
      if (err instanceof AppError) {
        if (err.status >= 500) ctx.state.log.error({ err }, err.code);
        else ctx.state.log.info({ code: err.code }, 'refused');
        await respondWithError(ctx, err);
        return;
      }
      ctx.state.log.error({ err }, 'unhandled error');
      await respondWithError(ctx, new InternalError());
    }
  };
}
