export { KafkaTestBroker, type KafkaTestBrokerOptions } from './kafka-test-broker.js';
export type { KafkaTestBrokerLogger } from './broker-context.js';
