import type { BrokerContext, RequestHeader } from '../broker-context.js';
import { ErrorCode } from '../error-code.js';
import type { ProtocolReader } from '../protocol-reader.js';
import { ProtocolWriter } from '../protocol-writer.js';

/**
 * InitProducerId v0–1: a new producer id at epoch 0 for every request. Transactional
 * ids are accepted but transactions are not served.
 *
 * @example
 * new Kafka({ brokers }).producer({ idempotent: true }); // calls this on connect
 */
export function handleInitProducerId(
  body: ProtocolReader,
  _header: RequestHeader,
  broker: BrokerContext,
): ProtocolWriter {
  body.nullableString();
  body.int32();
  const { producerId, producerEpoch } = broker.producers.allocate();
  return new ProtocolWriter().int32(0).int16(ErrorCode.NONE).int64(producerId).int16(producerEpoch);
}
