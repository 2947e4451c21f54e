// Every request used to pass through every feature router (twenty of them, 115 routes): each tried
// its routes' patterns against the path, ~10 µs per request of pure misses for the token, auth and
// introspection requests that end at oidc-provider. The gate sends a request only to the routers
// that have a route under its first path segment, in their order, so what matches is unchanged.
import type Router from '@koa/router';
import type { Middleware } from 'koa';
import compose from 'koa-compose';

/** A path's first segment as the routers match it (they are case-insensitive by default). */
function firstSegment(path: string): string {
  const end = path.indexOf('/', 1);
  return (end < 0 ? path.slice(1) : path.slice(1, end)).toLowerCase();
}

/** The routers' routes() and allowedMethods(), each router only for the paths it can match. */
export function gatedRouters<S>(routers: ReadonlyArray<Router<S>>): Middleware<S> {
  const always: number[] = [];
  const bySegment = new Map<string, number[]>();
  routers.forEach((router, index) => {
    const segments = new Set<string>();
    let anywhere = false;
    for (const layer of router.stack) {
      const path: unknown = layer.path;
      const first = typeof path === 'string' && path.startsWith('/') ? firstSegment(path) : undefined;
      // A pattern in the first segment (a parameter, a wildcard, a regular expression) may match any.
      if (first === undefined || /[:(*?+{\\[]/.test(first)) anywhere = true;
      else segments.add(first);
    }
    if (anywhere) always.push(index);
    else for (const segment of segments) bySegment.set(segment, [...bySegment.get(segment) ?? [], index]);
  });
  const chainOf = (indices: number[]): Middleware<S> => compose([...new Set(indices)].sort((a, b) => a - b)
    .flatMap((i) => [routers[i]!.routes() as Middleware<S>, routers[i]!.allowedMethods() as Middleware<S>]));
  const chains = new Map([...bySegment].map(([segment, indices]) => [segment, chainOf([...indices, ...always])]));
  const rest = chainOf(always);
  return (ctx, next) => (chains.get(firstSegment(ctx.path)) ?? rest)(ctx, next);
}
