// Web Push deliveries counted by push service (the endpoint's host: FCM, Mozilla, Apple, ...) and
// outcome, around whichever sender the services use.
import type { Metrics } from './metrics.ts';

export interface Sender<Rest extends unknown[]> {
  send(subscription: { endpoint: string }, ...rest: Rest): Promise<'sent' | 'gone'>;
}

function serviceOf(endpoint: string): string {
  return URL.parse(endpoint)?.host ?? 'invalid';
}

export function meteredPush<Rest extends unknown[]>(sender: Sender<Rest>, metrics: Metrics): Sender<Rest> {
  return {
    async send(subscription, ...rest) {
      const service = serviceOf(subscription.endpoint);
      try {
        const outcome = await sender.send(subscription, ...rest);
        metrics.pushDeliveries.inc({ service, outcome });
        return outcome;
      } catch (err) {
        metrics.pushDeliveries.inc({ service, outcome: 'failed' });
        throw err;
      }
    },
  };
}
