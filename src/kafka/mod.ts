/**
 * Kafka plumbing: configuration translation (kafkajs, `@platformatic/kafka`) and logging.
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
export {
  kafkaHint,
  kafkaLogCreator,
  type KafkaLogOptions,
  quietKafkajsWarnings,
} from "./logging.ts";
export {
  awaitKafka,
  type AwaitKafkaOptions,
  classifyConnectError,
  type ConnectFailure,
  DEFAULT_CONNECT_TIMEOUT,
  handshakeError,
} from "./startup.ts";
