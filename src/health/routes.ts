import Router from '@koa/router';
import type { Store } from '../store/types.ts';
import type { RequestState } from '../http/state.ts';

/** /healthz: the process answers. /readyz: it can also reach its store (take it out of the pool if not). */
export function healthRoutes(store: Store): Router<RequestState> {
  const router = new Router<RequestState>();
  router.get('/healthz', (ctx) => {
    ctx.body = { status: 'ok' };
  });
  router.get('/readyz', async (ctx) => {
    try {
      await store.ping();
      ctx.body = { status: 'ready', store: store.kind };
    } catch (err) {
      ctx.state.log.warn({ err }, 'store not reachable');
      ctx.status = 503;
      ctx.body = { status: 'unavailable', store: store.kind };
    }
  });
  return router;
}
