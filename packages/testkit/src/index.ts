export {
  KafkaTestBroker,
  type KafkaTestBrokerLogger,
  type KafkaTestBrokerOptions,
} from './kafka-broker/index.js';
export { TestkitError, type TestkitErrorCode } from './testkit-error.js';
export { kcat, kcatAvailable, type KcatResult } from './kcat.js';
export { TcpProxy } from './tcp-proxy.js';
export { closeOf, TestClient, type Closed } from './socket-client.js';
export { runAppMain, type RunningMain } from './run-app-main.js';
