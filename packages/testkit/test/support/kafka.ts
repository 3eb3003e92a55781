import { randomUUID } from 'node:crypto';
import { Kafka, logLevel, type ConsumerConfig } from 'kafkajs';
import type { KafkaTestBroker, KafkaTestBrokerLogger } from '../../src/index.js';

/** A topic or group name no other test uses. */
export function uniqueName(prefix: string): string {
  return `${prefix}-${randomUUID().slice(0, 8)}`;
}

/** A kafkajs client for the broker, quiet and quick to retry. */
export function createKafka(broker: KafkaTestBroker, clientId = uniqueName('client')): Kafka {
  return new Kafka({
    clientId,
    brokers: broker.brokers,
    logLevel: logLevel.NOTHING,
    retry: { initialRetryTime: 50, retries: 10 },
  });
}

/**
 * Consumer settings that make rebalances take milliseconds instead of kafkajs's default
 * seconds: frequent heartbeats and short fetch waits.
 */
export function fastConsumerConfig(groupId: string, overrides: Partial<ConsumerConfig> = {}): ConsumerConfig {
  return {
    groupId,
    heartbeatInterval: 100,
    maxWaitTimeInMs: 100,
    sessionTimeout: 10_000,
    rebalanceTimeout: 3_000,
    retry: { initialRetryTime: 50, retries: 10 },
    ...overrides,
  };
}

/** Polls `check` until it returns something other than `undefined`/`false`. */
export async function waitFor<T>(
  check: () => T | undefined | false,
  description: string,
  timeoutMs = 10_000,
): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${description}`);
    await new Promise((resolve) => setTimeout(resolve, 20));
  }
}

/** A broker logger that keeps warnings, so that a test can assert the broker cut nobody off. */
export function recordingLogger(): { logger: KafkaTestBrokerLogger; warnings: string[] } {
  const warnings: string[] = [];
  return {
    warnings,
    logger: {
      debug: () => undefined,
      warn: (message, context) => warnings.push(`${message} ${JSON.stringify(context ?? {})}`),
    },
  };
}
