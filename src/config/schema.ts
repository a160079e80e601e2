/**
 * The shape of piddiplatsch's configuration, as a zod schema. The packaged defaults
 * in `config/default.toml` fill every key; the schema checks types and ranges.
 *
 * @module
 */

import { z } from "zod";

const seconds = z.number().nonnegative();
const intMinusOne = z.number().int().min(-1);

/** Schema of `[consumer.transient]`. */
export const transientSchema = z.object({
  stop_on_skip: z.boolean(),
  retries: z.number().int().min(0).max(100),
  backoff_initial: seconds,
  backoff_max: seconds,
  preflight_stac: z.boolean(),
  on_outage: z.enum(["wait", "stop"]),
  probe_initial: seconds,
  probe_max: seconds,
}).strict();

/** Schema of `[consumer]`. */
export const consumerSchema = z.object({
  projects: z.union([z.literal("all"), z.array(z.string().min(1))]),
  topic: z.string().min(1),
  output_dir: z.string().min(1),
  max_errors: intMinusOne,
  concurrency: z.number().int().min(0).max(1024),
  max_event_bytes: z.number().int().min(1024).max(256 * 1024 * 1024),
  workers: z.union([z.literal("auto"), z.number().int().min(0).max(64)]),
  wait_for_topic: z.boolean(),
  kafka_client: z.enum(["kafkajs", "platformatic"]),
  max_waiting: z.number().int().min(1),
  max_waiting_bytes: z.number().int().min(1024),
  transient: transientSchema,
}).strict();

/** Schema of `[kafka]`: librdkafka-style quoted keys. */
export const kafkaSchema = z.object({
  "bootstrap.servers": z.string(),
  "group.id": z.string().min(1),
  "auto.offset.reset": z.enum(["earliest", "latest", "smallest", "largest", "beginning", "end"]),
  "enable.auto.commit": z.boolean(),
  "session.timeout.ms": z.number().int().min(1000),
  "security.protocol": z.enum(["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"]),
  "sasl.mechanisms": z.string(),
  "sasl.username": z.string(),
  "sasl.password": z.string(),
  "ssl.ca.location": z.string(),
  "client.id": z.string().min(1),
  connect_timeout: z.number().positive(),
}).catchall(z.union([z.string(), z.number(), z.boolean()]));

/** Schema of `[handle]`. */
export const handleSchema = z.object({
  backend: z.enum(["rest", "jsonl", "pyhandle"]),
  server_url: z.string(),
  prefix: z.string(),
  username: z.string(),
  password: z.string(),
  verify_https: z.boolean(),
  ca_file: z.string(),
  tls_pin_sha256: z.string(),
  timeout: z.number().positive(),
  concurrency: z.number().int().min(1).max(256),
  max_concurrency: z.number().int().min(1).max(4096),
}).strict();

/** Schema of `[handles]`: named Handle profiles; `[handle]` is the profile named `default`. */
export const handlesSchema = z.object({
  default: z.string(),
  defaults: handleSchema.partial(),
  profiles: z.record(z.string(), handleSchema.partial()),
}).strict();

/** Schema of `[stac]`. */
export const stacSchema = z.object({
  base_url: z.string(),
  collection: z.string(),
  timeout: z.number().positive(),
}).strict();

/** Schema of `[elasticsearch]`. */
export const elasticsearchSchema = z.object({
  url: z.string(),
  index: z.string(),
  username: z.string(),
  password: z.string(),
  timeout: z.number().positive(),
}).strict();

/** Schema of `[lookup]`. */
export const lookupSchema = z.object({
  enabled: z.boolean(),
  backend: z.enum(["stac", "es"]),
}).strict();

/** Schema of `[schema]`. */
export const schemaSchema = z.object({ strict_mode: z.boolean() }).strict();

/** Schema of `[plugins.NAME]`: one project's settings. */
export const pluginSchema = z.object({
  landing_page_url: z.string(),
  max_parts: intMinusOne,
  excluded_asset_keys: z.array(z.string()),
  esgf_marker: z.string(),
  handle: z.string(),
  stac: z.object({ collection: z.string() }).strict(),
}).strict();

/** Schema of `[stats]`. */
export const statsSchema = z.object({
  interval_seconds: seconds,
  summary_interval: z.number().int().min(0),
  enable_db: z.boolean(),
  db_path: z.string().min(1),
}).strict();

/** Schema of `[monitor]`. */
export const monitorSchema = z.object({ listen: z.string() }).strict();

/** Schema of the whole configuration. */
export const configSchema = z.object({
  consumer: consumerSchema,
  kafka: kafkaSchema,
  handle: handleSchema,
  handles: handlesSchema,
  stac: stacSchema,
  elasticsearch: elasticsearchSchema,
  lookup: lookupSchema,
  schema: schemaSchema,
  plugins: z.record(z.string(), pluginSchema),
  stats: statsSchema,
  monitor: monitorSchema,
}).strict();

/** The merged, checked configuration. */
export type Config = z.infer<typeof configSchema>;
