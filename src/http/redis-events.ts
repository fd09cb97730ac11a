import { createPubSub } from 'graphql-yoga';
import type { Redis } from 'ioredis';
import type { EventMap, Events } from '../events.js';
import type { Logger } from '../logger.js';
import { DEFAULT_REDIS_KEY_PREFIX } from './rate-limit.js';

/** The URL without its password, for messages. */
export function redactedRedisUrl(url: string): string {
  const parsed = new URL(url);
  if (parsed.password) parsed.password = '***';
  return parsed.toString();
}

async function connect(url: string, name: string, logger: Logger): Promise<Redis> {
  // Loaded only when configured: most starts never talk to Redis.
  const { Redis } = await import('ioredis');
  const client = new Redis(url, { lazyConnect: true, connectionName: `fact-service-${name}`, connectTimeout: 5_000, maxRetriesPerRequest: 3 });
  let firstError: Error | undefined;
  let connected = false;
  client.on('error', (error: Error) => {
    if (connected) logger.warn({ err: error, client: name }, 'Redis connection problem; retrying');
    else firstError ??= error;
  });
  try {
    await client.connect();
  } catch (error) {
    client.disconnect();
    const reason = firstError ?? error;
    throw new Error(`Redis at ${redactedRedisUrl(url)} did not answer: ${reason instanceof Error ? reason.message : String(reason)}`);
  }
  connected = true;
  return client;
}

/**
 * Events through Redis publish/subscribe, so every instance behind a load balancer delivers every write.
 * A publish that fails is logged, never thrown: the write it announces has already committed. Channels are
 * `<prefix><event>`: every instance of one deployment uses the same prefix, and another deployment on the same
 * Redis (staging beside production) a different one, so neither hears the other's writes.
 */
export async function createRedisEvents(url: string, logger: Logger, prefix = DEFAULT_REDIS_KEY_PREFIX): Promise<{ events: Events; close(): Promise<void> }> {
  const publisher = await connect(url, 'publish', logger);
  let subscriber: Redis;
  try {
    subscriber = await connect(url, 'subscribe', logger);
  } catch (error) {
    publisher.disconnect();
    throw error;
  }
  const listeners = new Map<string, Set<(event: CustomEvent) => void>>();
  subscriber.on('message', (channel: string, message: string) => {
    const topic = channel.slice(prefix.length);
    const callbacks = listeners.get(topic);
    if (!callbacks) return;
    let detail: unknown;
    try {
      detail = JSON.parse(message);
    } catch {
      logger.warn({ channel }, 'ignored a Redis message that is not JSON');
      return;
    }
    for (const callback of callbacks) callback(new CustomEvent(topic, { detail }));
  });
  const subscriberProblem = (error: unknown) => logger.warn({ err: error }, 'Redis subscription change failed');

  const originals = new WeakMap<object, (event: CustomEvent) => void>();
  const eventTarget = {
    addEventListener(topic: string, listener: ((event: CustomEvent) => void) | { handleEvent(event: CustomEvent): void } | null) {
      if (!listener) return;
      const callback = typeof listener === 'function' ? listener : (event: CustomEvent) => listener.handleEvent(event);
      let callbacks = listeners.get(topic);
      if (!callbacks) {
        callbacks = new Set();
        listeners.set(topic, callbacks);
        subscriber.subscribe(prefix + topic).catch(subscriberProblem);
      }
      callbacks.add(callback);
      originals.set(listener, callback);
    },
    removeEventListener(topic: string, listener: ((event: CustomEvent) => void) | { handleEvent(event: CustomEvent): void } | null) {
      if (!listener) return;
      const callbacks = listeners.get(topic);
      const callback = originals.get(listener);
      if (!callbacks || !callback) return;
      callbacks.delete(callback);
      if (callbacks.size === 0) {
        listeners.delete(topic);
        subscriber.unsubscribe(prefix + topic).catch(subscriberProblem);
      }
    },
    dispatchEvent(event: CustomEvent) {
      publisher.publish(prefix + event.type, JSON.stringify(event.detail ?? null)).catch((error: unknown) => {
        logger.error({ err: error, event: event.type }, 'could not publish an event to Redis; subscribers will miss it');
      });
      return true;
    },
  };
  return {
    events: createPubSub<EventMap>({ eventTarget }),
    async close() {
      await Promise.allSettled([publisher.quit(), subscriber.quit()]);
    },
  };
}
