/**
 * Kafka start-up, before the consumer joins its group: reach a broker (retried with
 * backoff for `[kafka].connect_timeout` seconds), tell a TLS or SASL handshake
 * failure (a configuration error) from an unreachable broker (an outage), and wait
 * for a topic that does not exist yet. Kept apart from the input's hot path. The client is
 * a short-lived `@platformatic/kafka` `Admin`, whichever client then does the work.
 *
 * @module
 */

import { getLogger } from "@logtape/logtape";
import { Admin, type SASLOptions } from "@platformatic/kafka";
import { TransientError } from "../errors/mod.ts";
import { speaksTls, tlsAlert } from "./probe.ts";
import type { TlsOptions } from "./security.ts";
import {
  classifyConnectError,
  closedEarly,
  type ConnectContext,
  type ConnectFailure,
  handshakeError,
} from "./refusals.ts";

/** Default of `[kafka].connect_timeout`, seconds. */
export const DEFAULT_CONNECT_TIMEOUT = 60;

/** Where and how to connect: the connection part of `toPlatformatic(...).consumer`. */
export interface KafkaConnection {
  /** `client.id`. */
  clientId?: string;
  /** `bootstrap.servers`, one `host:port` each. */
  bootstrapBrokers: string[];
  /** TLS options, when the protocol is `SSL` or `SASL_SSL`. */
  tls?: TlsOptions;
  /** SASL credentials, when the protocol is `SASL_*`. */
  sasl?: SASLOptions;
}

/** Options of {@linkcode awaitKafka}. */
export interface AwaitKafkaOptions {
  /** The connection (brokers, TLS, SASL): `toPlatformatic(kafka).consumer` will do. */
  client: KafkaConnection;
  /** The topic to wait for. */
  topic: string;
  /** Give up reaching a broker after this many milliseconds. */
  connectTimeoutMs: number;
  /** Wait for a missing topic (true) or fail at once (false). */
  waitForTopic: boolean;
  /** Period of the "still waiting for the topic" line, ms (default 30 000). */
  reportEveryMs?: number;
  /** Period of the topic check, ms (default 1000). */
  pollMs?: number;
  /** Stops waiting when aborted (the promise then rejects with the signal's reason). */
  signal?: AbortSignal;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) return reject(signal.reason);
    const timer = setTimeout(done, ms);
    function done(): void {
      signal?.removeEventListener("abort", aborted);
      resolve();
    }
    function aborted(): void {
      clearTimeout(timer);
      reject(signal!.reason);
    }
    signal?.addEventListener("abort", aborted, { once: true });
  });
}

/** Connects an admin client, retrying an unreachable broker with backoff until the deadline. */
async function connectAdmin(options: AwaitKafkaOptions, bootstrap: string): Promise<Admin> {
  const log = getLogger(["piddiplatsch", "kafka"]);
  const started = Date.now();
  let delay = 500;
  let reported = "";
  let retriedClosed = false;
  while (true) {
    // A client of its own, silent: this loop reports its failures itself, once.
    const { clientId, bootstrapBrokers, tls, sasl } = options.client;
    const admin = new Admin({
      clientId: clientId ?? "piddiplatsch",
      bootstrapBrokers,
      ...(tls ? { tls } : {}),
      ...(sasl ? { sasl } : {}),
      connectTimeout: Math.min(options.connectTimeoutMs || 1, 10_000),
      retries: 0,
    });
    try {
      await admin.listTopics(); // the connection and handshake happen with the first request
      if (reported) {
        log.info("Kafka at bootstrap.servers = {bootstrap} is reachable", { bootstrap });
      }
      return admin;
    } catch (error) {
      await admin.close().catch(() => {});
      const failure = await sortFailure(error, options.client);
      if (failure.kind !== "unreachable") throw handshakeError(failure, bootstrap);
      const elapsed = Date.now() - started;
      const seconds = Math.round(options.connectTimeoutMs / 1000);
      if (elapsed >= options.connectTimeoutMs) {
        throw new TransientError(
          `Kafka at bootstrap.servers = "${bootstrap}" cannot be reached: ${failure.reason} ` +
            `(gave up after ${seconds} s, [kafka].connect_timeout)`,
        );
      }
      // Over TLS 1.3 the broker's verdict on the client certificate comes after the
      // handshake: the first request may meet a closed socket before the alert is read.
      // Once, at once and without a warning, the attempt is made again to learn the reason.
      if (options.client.tls && closedEarly(failure) && !retriedClosed) {
        retriedClosed = true;
        await sleep(100, options.signal);
        continue;
      }
      if (failure.reason !== reported) {
        reported = failure.reason;
        log.warn(
          "Kafka at bootstrap.servers = {bootstrap} cannot be reached: {reason}; " +
            "retrying for up to {seconds} s ([kafka].connect_timeout)",
          { bootstrap, reason: failure.reason, seconds },
        );
      }
      await sleep(Math.min(delay, options.connectTimeoutMs - elapsed), options.signal);
      delay = Math.min(delay * 2, 5000);
    }
  }
}

/** Sorts a failed attempt; a connection closed at once is asked whether it speaks TLS. */
async function sortFailure(error: unknown, client: KafkaConnection): Promise<ConnectFailure> {
  const tls = client.tls;
  const context: ConnectContext = {
    tls: Boolean(tls),
    clientCertificate: Boolean(tls?.cert),
    sasl: Boolean(client.sasl),
  };
  const failure = classifyConnectError(error, context);
  if (!closedEarly(failure)) return failure;
  const first = client.bootstrapBrokers[0] ?? "";
  if (tls) {
    // Over TLS 1.3 a refused client certificate shows only after the handshake.
    const { alert, handshake } = await tlsAlert(first, tls);
    const verdict = alert && classifyConnectError(alert, context);
    if (verdict && verdict.kind !== "unreachable") return verdict;
    // The handshake passes and the broker closes at the first request: so does a listener
    // that wants SASL. Not certain (a broker going away looks alike): said, and retried.
    if (handshake && !context.sasl) {
      return {
        kind: "unreachable",
        reason: `${failure.reason} after the TLS handshake (a listener that wants SASL does ` +
          `this: check [kafka] "security.protocol")`,
      };
    }
    return failure;
  }
  if (!await speaksTls(first)) return failure;
  return classifyConnectError(error, { ...context, listenerSpeaksTls: true });
}

/**
 * Connects to a broker (retrying an unreachable one until `connectTimeoutMs`) and
 * disconnects again: the start-up check of commands that need no topic (`send`).
 *
 * @throws {ConfigurationError} for a TLS or SASL handshake failure.
 * @throws {TransientError} when no broker answered within the connect timeout.
 */
export async function checkKafka(
  options: Pick<AwaitKafkaOptions, "client" | "connectTimeoutMs" | "signal">,
): Promise<void> {
  const bootstrap = options.client.bootstrapBrokers.join(",");
  const admin = await connectAdmin({ ...options, topic: "", waitForTopic: false }, bootstrap);
  await admin.close().catch(() => {});
}

/**
 * Waits until a broker answers and `topic` exists. Throws `ConfigurationError` for a
 * TLS or SASL handshake failure, `TransientError` when no broker answered within the
 * connect timeout or (with `waitForTopic` off) when the topic is missing.
 */
export async function awaitKafka(options: AwaitKafkaOptions): Promise<void> {
  const log = getLogger(["piddiplatsch", "kafka"]);
  const bootstrap = options.client.bootstrapBrokers.join(",");
  const admin = await connectAdmin(options, bootstrap);
  try {
    const every = options.reportEveryMs ?? 30_000;
    let lastReport: number | undefined;
    const started = Date.now();
    while (true) {
      const topics = await admin.listTopics();
      if (topics.includes(options.topic)) {
        if (lastReport !== undefined) {
          log.info("topic {topic} exists now, consuming", { topic: options.topic });
        }
        return;
      }
      if (!options.waitForTopic) {
        throw new TransientError(
          `topic "${options.topic}" does not exist at bootstrap.servers = "${bootstrap}" ` +
            `(consumer.wait_for_topic = false)`,
        );
      }
      if (lastReport === undefined || Date.now() - lastReport >= every) {
        lastReport = Date.now();
        log.warn(
          "topic {topic} does not exist yet at {bootstrap}; waiting for it " +
            "(waited {seconds} s; it is not created automatically)",
          { topic: options.topic, bootstrap, seconds: Math.round((lastReport - started) / 1000) },
        );
      }
      await sleep(options.pollMs ?? 1000, options.signal);
    }
  } finally {
    await admin.close().catch(() => {});
  }
}
