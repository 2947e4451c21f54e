// One server span per HTTP request. Its name and attributes carry the route pattern, never the
// path or query as sent: those hold interaction ids, codes and states that must not reach a
// tracing backend. A caller's `traceparent` is followed only behind a trusted proxy (TRUST_PROXY);
// from the open internet it would let anyone choose trace ids and force sampling.
import { context, defaultTextMapGetter, ROOT_CONTEXT, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import type { Context, Middleware } from 'koa';
import type { Tracing } from './tracing.ts';

/**
 * The matched router pattern (`/interaction/:uid`), else the first path segment: the provider's
 * endpoints (`/auth`, `/token`) are one segment, and deeper unmatched paths may hold secrets.
 */
export function routeOf(ctx: Context): string {
  const matched = (ctx as Context & { _matchedRoute?: unknown })._matchedRoute;
  if (typeof matched === 'string') return matched;
  const first = /^\/[A-Za-z0-9._-]*/.exec(ctx.path)?.[0] ?? '/';
  return ctx.path === first ? first : `${first}/*`;
}

export function tracedRequests({ tracer, propagator }: Tracing, options: { trustIncoming: boolean }): Middleware {
  return async (ctx, next) => {
    const parent = options.trustIncoming ? propagator.extract(ROOT_CONTEXT, ctx.headers, defaultTextMapGetter) : ROOT_CONTEXT;
    const span = tracer.startSpan(ctx.method, { kind: SpanKind.SERVER, attributes: { 'http.request.method': ctx.method } }, parent);
    try {
      await context.with(trace.setSpan(parent, span), next);
    } catch (err) {
      span.recordException(err as Error);
      throw err;
    } finally {
      const route = routeOf(ctx);
      span.updateName(`${ctx.method} ${route}`);
      span.setAttribute('http.route', route);
      span.setAttribute('http.response.status_code', ctx.status);
      const requestId: unknown = (ctx.state as { requestId?: unknown }).requestId;
      if (typeof requestId === 'string') span.setAttribute('tobira.request_id', requestId);
      if (ctx.status >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
      span.end();
    }
  };
}
