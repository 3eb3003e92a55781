export { createKafkaLog, type KafkaLogOptions } from './create-kafka-log.js';
