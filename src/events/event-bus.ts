// A small typed, in-process event bus. A service says what happened; the features that react
// subscribe themselves, so "who reacts to X" is one grep for the event's name, and no service
// holds a call-back into a feature above it.
//
// emit() runs the subscribers one after another and waits for each: a reaction is part of the
// request that caused it (the user sees its failure, as before the bus existed), and the order of
// registration is the order of reaction.
import type { EventMap } from './events.ts';

export type EventName = keyof EventMap;
export type Subscriber<N extends EventName> = (event: EventMap[N]) => Promise<void>;

export class EventBus {
  readonly #subscribers = new Map<EventName, Array<(event: never) => Promise<void>>>();

  on<N extends EventName>(name: N, subscriber: Subscriber<N>): void {
    const list = this.#subscribers.get(name) ?? [];
    list.push(subscriber as (event: never) => Promise<void>);
    this.#subscribers.set(name, list);
  }

  async emit<N extends EventName>(name: N, event: EventMap[N]): Promise<void> {
    for (const subscriber of this.#subscribers.get(name) ?? []) {
      await (subscriber as Subscriber<N>)(event);
    }
  }

  /** How many subscribers an event has (for the composition root's start-up check and tests). */
  subscriberCount(name: EventName): number {
    return this.#subscribers.get(name)?.length ?? 0;
  }
}

/** What a service needs to announce something: emit only, so it cannot subscribe others. */
export type EventSink = Pick<EventBus, 'emit'>;
