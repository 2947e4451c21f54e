// What the metrics learn from events rather than from wrapped parts: push approvals decided on a
// phone (the event bus) and token grants (oidc-provider's own events).
import type Provider from 'oidc-provider';
import type { EventBus } from '../events/event-bus.ts';
import type { Metrics } from './metrics.ts';

export function subscribeMetrics(metrics: Metrics, events: EventBus, provider: Provider): void {
  events.on('approval.decided', async ({ approval }) => {
    metrics.approvals.inc({ outcome: approval.status });
    if (approval.decidedAt) metrics.approvalSeconds.observe({ outcome: approval.status }, (approval.decidedAt.getTime() - approval.createdAt.getTime()) / 1000);
  });
  const grantType = (ctx: { oidc?: { params?: { grant_type?: unknown } } }): string => {
    const type = ctx.oidc?.params?.grant_type;
    // Labels come from a fixed set so a client cannot grow the metric with made-up grant types.
    return typeof type === 'string' && KNOWN_GRANT_TYPES.has(type) ? type : 'other';
  };
  const emitter: NodeJS.EventEmitter = provider;
  emitter.on('grant.success', (ctx: Parameters<typeof grantType>[0]) => metrics.tokenGrants.inc({ grant_type: grantType(ctx), result: 'succeeded' }));
  emitter.on('grant.error', (ctx: Parameters<typeof grantType>[0]) => metrics.tokenGrants.inc({ grant_type: grantType(ctx), result: 'refused' }));
}

const KNOWN_GRANT_TYPES = new Set([
  'authorization_code', 'refresh_token', 'client_credentials', 'urn:ietf:params:oauth:grant-type:device_code', 'urn:openid:params:grant-type:ciba',
]);
