/**
 * Kafka plumbing: configuration translation (kafkajs, `@platformatic/kafka`), security
 * settings, start-up checks and refusals, and logging.
 *
 * @module
 */

export {
  type KafkajsOptions,
  type LibrdkafkaConfig,
  toKafkajs,
  type ToKafkajsOptions,
} from "./config.ts";
export {
  type PlatformaticOptions,
  toPlatformatic,
  type ToPlatformaticOptions,
} from "./platformatic_config.ts";
export { describePlatformaticError, platformaticErrorCode } from "./platformatic_errors.ts";
export {
  kafkaHint,
  kafkaLogCreator,
  type KafkaLogOptions,
  quietKafkajsWarnings,
} from "./logging.ts";
export {
  awaitKafka,
  type AwaitKafkaOptions,
  checkKafka,
  DEFAULT_CONNECT_TIMEOUT,
} from "./startup.ts";
export {
  classifyConnectError,
  type ConnectContext,
  type ConnectFailure,
  handshakeError,
} from "./refusals.ts";
export {
  type KafkaSecurity,
  kafkaSecurity,
  type KafkaSecurityOptions,
  SASL_MECHANISMS,
  type SaslCredentials,
  SECURITY_PROTOCOLS,
  type TlsOptions,
} from "./security.ts";
export { speaksTls } from "./probe.ts";
export {
  describeSendError,
  isRecordError,
  isTooLarge,
  openProducer,
  type ProducedMessage,
  type TopicProducer,
} from "./producer.ts";
export { readTopic, type ReadTopicOptions, type TopicText } from "./topic_reader.ts";
export type { KafkaInputOptions, KafkaPartitionState } from "./input_kafkajs.ts";
export {
  KAFKA_CLIENTS,
  type KafkaClientName,
  type KafkaEventInput,
  openKafkaInput,
} from "./input.ts";
