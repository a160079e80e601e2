/**
 * Why a Kafka connection failed, sorted into what an operator must fix: SASL
 * credentials, the broker's certificate (CA, host name), the client certificate, the
 * protocol (TLS against a plaintext listener or the reverse), or nothing (the broker is
 * not reachable: an outage, retried). Each refusal is one line naming the `[kafka]` keys to
 * look at; it quotes the broker's or the TLS layer's reason, never a secret.
 *
 * @module
 */

import { ConfigurationError, oneLine } from "../errors/mod.ts";
import { platformaticCause } from "./platformatic_errors.ts";

/** How a failed connection attempt is to be treated. */
export type ConnectFailure =
  | { kind: "sasl"; reason: string; what?: string; keys?: string[] }
  | { kind: "tls"; reason: string; what?: string; keys?: string[] }
  | { kind: "unreachable"; reason: string };

/** What the client was asked to do, for sorting a failure. */
export interface ConnectContext {
  /** The connection uses TLS (`SSL`, `SASL_SSL`). */
  tls?: boolean;
  /** A client certificate is configured. */
  clientCertificate?: boolean;
  /** The connection uses SASL. */
  sasl?: boolean;
  /** A TLS handshake of our own succeeded at the address (see `probe.ts`). */
  listenerSpeaksTls?: boolean;
}

const SASL_TYPES = new Set([
  "ILLEGAL_SASL_STATE",
  "UNSUPPORTED_SASL_MECHANISM",
  "SASL_AUTHENTICATION_FAILED",
]);

/** The broker's certificate is not signed by a CA the client trusts. */
const UNTRUSTED =
  /SELF_SIGNED_CERT|UNABLE_TO_VERIFY_LEAF|UNABLE_TO_GET_ISSUER|CERT_UNTRUSTED|UnknownIssuer|self[- ]signed|unable to verify|issuer certificate/i;
/** The broker's certificate does not name the host. */
const WRONG_HOST = /ALTNAME_INVALID|NotValidForName|does not match certificate|altnames/i;
/** The broker refused the client certificate (or the lack of one). */
const CLIENT_CERT_REFUSED =
  /BadCertificate|CertificateUnknown|CertificateRequired|CertificateExpired|CertificateRevoked|UnknownCA|bad certificate|certificate required|certificate unknown|ALERT_(BAD_CERTIFICATE|CERTIFICATE_)/i;
/** The listener does not speak TLS. */
const NOT_TLS =
  /before secure TLS connection|wrong version number|unexpected (end of file|eof)|CorruptMessage|InvalidContentType|packet length too long|unsupported protocol/i;

/** The code and message of an error and its causes, as one line. */
function describe(error: unknown): { reason: string; codes: string } {
  const e = error as { message?: string; cause?: unknown; code?: string };
  const inner = (e?.cause ?? e) as { message?: string; code?: string };
  const reason = oneLine(String(inner?.message ?? e?.message ?? error))
    .replace(/^Connection error: /, "");
  return { reason, codes: `${e?.code ?? ""} ${inner?.code ?? ""}` };
}

/**
 * Sorts a connection error of either client (`@platformatic/kafka`'s nested errors are
 * unwrapped first) into SASL, TLS or "broker not reachable".
 */
export function classifyConnectError(
  failed: unknown,
  context: ConnectContext = {},
): ConnectFailure {
  const error = platformaticCause(failed) ?? failed;
  const e = error as { name?: string; type?: string; message?: string };
  if (e?.name === "KafkaJSSASLAuthenticationError" || SASL_TYPES.has(e?.type ?? "")) {
    const reason = oneLine(String(e.message));
    if (e.type === "ILLEGAL_SASL_STATE") {
      return {
        kind: "sasl",
        reason,
        what: "the listener does not speak SASL",
        keys: ["security.protocol", "sasl.mechanisms"],
      };
    }
    if (e.type === "UNSUPPORTED_SASL_MECHANISM") {
      return {
        kind: "sasl",
        reason,
        what: "the listener does not offer this SASL mechanism",
        keys: ["sasl.mechanisms", "security.protocol"],
      };
    }
    return {
      kind: "sasl",
      reason,
      what: "SASL authentication failed (wrong password, unknown user, or a user of another " +
        "mechanism)",
      keys: ["sasl.username", "sasl.password", "sasl.mechanisms"],
    };
  }
  const { reason, codes } = describe(error);
  const text = `${reason} ${codes}`;
  if (CLIENT_CERT_REFUSED.test(text)) {
    return context.clientCertificate
      ? {
        kind: "tls",
        reason,
        what: "the broker refused the client certificate (expired, or not signed by a CA it " +
          "trusts)",
        keys: ["ssl.certificate.location", "ssl.key.location"],
      }
      : {
        kind: "tls",
        reason,
        what: "the listener requires a client certificate and none is configured",
        keys: ["ssl.certificate.location", "ssl.key.location", "ssl.key.password"],
      };
  }
  if (WRONG_HOST.test(text)) {
    return {
      kind: "tls",
      reason,
      what: "the broker's certificate does not name this host",
      keys: ["bootstrap.servers", "ssl.endpoint.identification.algorithm"],
    };
  }
  if (UNTRUSTED.test(text)) {
    return {
      kind: "tls",
      reason,
      what: "the broker's certificate is not signed by a trusted CA",
      keys: ["ssl.ca.location"],
    };
  }
  if (context.tls && NOT_TLS.test(text)) {
    return {
      kind: "tls",
      reason,
      what: "the listener does not speak TLS",
      keys: ["security.protocol", "bootstrap.servers"],
    };
  }
  // @platformatic/kafka tells this itself ("Broker requires TLS.").
  if ((context.listenerSpeaksTls || /requires TLS/i.test(text)) && !context.tls) {
    return {
      kind: "tls",
      reason,
      what: "the listener speaks TLS but the client does not",
      keys: ["security.protocol", "ssl.ca.location"],
    };
  }
  if (/\b(TLS|SSL)\b|certificate/i.test(text)) {
    return { kind: "tls", reason, keys: ["security.protocol", "ssl.ca.location"] };
  }
  return { kind: "unreachable", reason };
}

/** Whether a failure may be a listener closing on a protocol it does not speak. */
export function closedEarly(failure: ConnectFailure): boolean {
  return failure.kind === "unreachable" &&
    /closed connection|connection closed|not connected|ECONNRESET|socket hang up|write after end|EPIPE/i
      .test(
        failure.reason,
      );
}

/** The one-line configuration error of a handshake failure, naming the settings to check. */
export function handshakeError(failure: ConnectFailure, bootstrap: string): ConfigurationError {
  const where = `Kafka at bootstrap.servers = "${bootstrap}"`;
  const sasl = failure.kind === "sasl";
  const fallback = sasl
    ? ["security.protocol", "sasl.mechanisms", "sasl.username", "sasl.password"]
    : ["security.protocol", "ssl.ca.location"];
  const keys = failure.kind !== "unreachable" && failure.keys ? failure.keys : fallback;
  const what = failure.kind !== "unreachable" && failure.what ? `${failure.what} ` : "";
  return new ConfigurationError(
    `${where}: ${sasl ? "SASL" : "TLS"} handshake failed: ${what}(${failure.reason}); ` +
      `check [kafka] ${quoteKeys(keys)}`,
  );
}

function quoteKeys(keys: string[]): string {
  const quoted = keys.map((k) => `"${k}"`);
  return quoted.length < 2
    ? quoted.join("")
    : `${quoted.slice(0, -1).join(", ")} and ${quoted[quoted.length - 1]}`;
}
