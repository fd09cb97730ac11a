import { createPubSub } from 'graphql-yoga';
import type { EventMap } from '../../src/events.js';

/** Events whose subscribers can be awaited, so a test writes only once a subscription listens. */
export function observedEvents() {
  const target = new EventTarget();
  const waiters: (() => void)[] = [];
  const add = target.addEventListener.bind(target);
  target.addEventListener = (...args: Parameters<EventTarget['addEventListener']>) => {
    add(...args);
    for (const waiter of waiters.splice(0)) waiter();
  };
  return {
    events: createPubSub<EventMap>({ eventTarget: target as never }),
    /** Resolves when the next subscriber starts listening; call it before subscribing. */
    listening: () => new Promise<void>((resolve) => waiters.push(resolve)),
  };
}
