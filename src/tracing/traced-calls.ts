// Spans around what a request waits for outside the process: store calls and push deliveries.
// A call made outside any traced request (sweeps, refresh timers) starts no trace of its own.
import { context, SpanKind, SpanStatusCode, trace, type Attributes, type Tracer } from '@opentelemetry/api';
import { decorateStore } from '../store/decorate.ts';
import type { Store } from '../store/types.ts';

/** Runs `call` in a client span when a traced request is under way, else just runs it. */
export async function inSpan<T>(tracer: Tracer, name: string, attributes: Attributes, call: () => Promise<T>): Promise<T> {
  const parent = trace.getActiveSpan();
  if (!parent?.isRecording()) return call();
  const span = tracer.startSpan(name, { kind: SpanKind.CLIENT, attributes });
  try {
    return await context.with(trace.setSpan(context.active(), span), call);
  } catch (err) {
    span.recordException(err as Error);
    span.setStatus({ code: SpanStatusCode.ERROR });
    throw err;
  } finally {
    span.end();
  }
}

function traced<T extends object>(target: T, repository: string, tracer: Tracer, system: string): T {
  const wrapped = new Map<PropertyKey, unknown>();
  return new Proxy(target, {
    get(object, property, receiver) {
      const value: unknown = Reflect.get(object, property, receiver);
      if (typeof value !== 'function' || typeof property !== 'string') return value;
      let method = wrapped.get(property);
      if (!method) {
        const original = value as (...args: unknown[]) => Promise<unknown>;
        const attributes = { 'db.system.name': system, 'db.collection.name': repository, 'db.operation.name': property };
        method = (...args: unknown[]): Promise<unknown> => inSpan(tracer, `store ${repository}.${property}`, attributes, () => original.apply(object, args));
        wrapped.set(property, method);
      }
      return method;
    },
  });
}

/** The store with a span around every repository call made within a traced request. */
export function tracedStore(inner: Store, tracer: Tracer): Store {
  const system = inner.kind === 'mongo' ? 'mongodb' : inner.kind;
  return decorateStore(inner, (repository, name) => traced(repository, name, tracer, system));
}

interface Sender<Rest extends unknown[]> {
  send(subscription: { endpoint: string }, ...rest: Rest): Promise<'sent' | 'gone'>;
}

/** A span per Web Push delivery, named by the push service's host (never the subscription URL). */
export function tracedPush<Rest extends unknown[]>(sender: Sender<Rest>, tracer: Tracer): Sender<Rest> {
  return {
    send(subscription, ...rest) {
      const host = URL.parse(subscription.endpoint)?.host ?? 'invalid';
      return inSpan(tracer, 'push send', { 'server.address': host }, () => sender.send(subscription, ...rest));
    },
  };
}
