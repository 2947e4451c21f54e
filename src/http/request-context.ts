import { randomUUID } from 'node:crypto';
import type { Middleware } from 'koa';
import { translator } from '../i18n/messages.ts';
import { negotiateLang } from '../i18n/negotiate.ts';
import type { Logger } from '../log.ts';
import { withStoreReadCache } from '../store/read-cache.ts';
import type { RequestState } from './state.ts';

const SAFE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,64}$/;

/** Request id (kept from a load balancer's X-Request-Id when sane), logger, language, access log, store read cache. */
export function requestContext(logger: Logger): Middleware<RequestState> {
  return async (ctx, next) => {
    const incoming = ctx.get('x-request-id');
    const requestId = SAFE_REQUEST_ID.test(incoming) ? incoming : randomUUID();
    const started = process.hrtime.bigint();
    ctx.state.requestId = requestId;
    ctx.state.log = logger.child({ reqId: requestId });
    ctx.state.lang = negotiateLang(ctx);
    ctx.state.t = translator(ctx.state.lang);
    ctx.set('X-Request-Id', requestId);
    try {
      // Repeated reads of one account or oidc record within this request cost one store read.
      await withStoreReadCache(next);
    } finally {
      const ms = Number(process.hrtime.bigint() - started) / 1e6;
      ctx.state.log.info({ method: ctx.method, path: ctx.path, status: ctx.status, ms: Math.round(ms * 10) / 10, ip: ctx.ip }, 'request');
    }
  };
}
