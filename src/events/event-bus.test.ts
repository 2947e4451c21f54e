// The event bus: subscribers react in the order they subscribed, each awaited before the next, and
// a failing reaction fails the emit (the request that caused it sees the failure).
import assert from 'node:assert/strict';
import type { Approval } from '../store/types.ts';
import { EventBus } from './event-bus.ts';

const approval = { id: 'a1', status: 'approved' } as Approval;

describe('event bus (unit)', () => {
  it('runs the subscribers of an event in order, each finished before the next starts', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('approval.decided', async ({ approval: decided }) => {
      await new Promise((resolve) => setTimeout(resolve, 5));
      seen.push(`first:${decided.id}`);
    });
    bus.on('approval.decided', async ({ approval: decided }) => {
      seen.push(`second:${decided.id}`);
    });
    await bus.emit('approval.decided', { approval });
    assert.deepEqual(seen, ['first:a1', 'second:a1']);
  });

  it('reaches only the subscribers of that event, and an event nobody subscribed to does nothing', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('approval.decided', async () => { seen.push('decided'); });
    await bus.emit('device.added', { account: {} as never, device: {} as never, lang: 'en' });
    assert.deepEqual(seen, []);
    assert.equal(bus.subscriberCount('approval.decided'), 1);
    assert.equal(bus.subscriberCount('enrolment.completed'), 0);
  });

  it('fails the emit when a subscriber fails, and the subscribers after it do not run', async () => {
    const bus = new EventBus();
    const seen: string[] = [];
    bus.on('approval.decided', async () => { throw new Error('reaction failed'); });
    bus.on('approval.decided', async () => { seen.push('after'); });
    await assert.rejects(bus.emit('approval.decided', { approval }), /reaction failed/);
    assert.deepEqual(seen, []);
  });
});
