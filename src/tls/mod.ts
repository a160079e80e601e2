/**
 * How piddiplatsch reaches an HTTPS server of a Handle profile, decided by the profile's
 * TLS settings and nothing else (no process flag, so the compiled binary behaves the same):
 *
 * - by default, the system's roots and a host-name check (`fetch`);
 * - `ca_file`: that CA in addition, host name still checked (`fetch` with its own client);
 * - `tls_pin_sha256`: exactly the certificate with that SHA-256, whatever names it carries;
 * - `verify_https = false`: no verification at all (the Python tool's default).
 *
 * The last two go through {@linkcode Http1Client}. See `docs/handle-servers.md`.
 *
 * @module
 */

import { fetchAnswer, type TransportAnswer, type TransportRequest } from "./answer.ts";
import { Http1Client } from "./http1.ts";

export { certificatePin, Http1Client, PinMismatchError } from "./http1.ts";
export { fetchAnswer, type TransportAnswer, type TransportRequest } from "./answer.ts";
export { type CertificateInfo, inspectCertificate } from "./certificate.ts";
export { describeTlsFailure, isTlsFailure } from "./failure.ts";

/** The TLS settings of one profile. */
export interface TlsSettings {
  /** PEM file of a CA to trust besides the system's roots. */
  caFile?: string;
  /** Lowercase hex SHA-256 of the one certificate to accept. */
  pinSha256?: string;
  /** False: accept any certificate (no verification). Default true. */
  verify?: boolean;
}

/** How a transport verifies the server. */
export type Verification = "system" | "ca_file" | "pin" | "off";

/** A `fetch` to one profile's server with that profile's TLS settings. */
export interface Transport {
  /** How this transport verifies servers. */
  readonly verification: Verification;
  /** Sends a request; the same contract as the global `fetch`. */
  fetch(url: string, init?: RequestInit): Promise<Response>;
  /**
   * Sends a request and reads its whole answer as text; rejects with a `TimeoutError`
   * `DOMException` after `timeoutMs`. The registration's path: no Fetch objects where the
   * transport is ours.
   */
  request(url: string, request: TransportRequest): Promise<TransportAnswer>;
  /** Releases connections and clients. */
  close(): void;
}

/**
 * A pin as written by an operator (hex with or without colons, any case) in the form
 * compared: 64 lowercase hex digits; undefined when `text` is not a SHA-256.
 */
export function normalizePin(text: string): string | undefined {
  const hex = text.trim().replace(/:/g, "").toLowerCase();
  return /^[0-9a-f]{64}$/.test(hex) ? hex : undefined;
}

/** How the settings verify: the pin wins over everything, then `verify = false`, then a CA. */
export function verificationOf(settings: TlsSettings): Verification {
  if (settings.pinSha256) return "pin";
  if (settings.verify === false) return "off";
  if (settings.caFile) return "ca_file";
  return "system";
}

/**
 * The transport for `settings`; reads `caFile` synchronously.
 *
 * @throws {Error} when the pin is not a SHA-256 or the CA file cannot be read.
 */
export function createTransport(settings: TlsSettings): Transport {
  const verification = verificationOf(settings);
  if (verification === "pin" || verification === "off") {
    let pin: string | undefined;
    if (verification === "pin") {
      pin = normalizePin(settings.pinSha256!);
      if (pin === undefined) {
        throw new Error("tls_pin_sha256 must be 64 hex digits (the SHA-256 of the certificate)");
      }
    }
    const client = new Http1Client({ pin });
    return {
      verification,
      fetch: (url, init) => client.fetch(url, init),
      request: (url, request) => client.request(url, request),
      close: () => client.close(),
    };
  }
  const client = verification === "ca_file"
    ? Deno.createHttpClient({ caCerts: [Deno.readTextFileSync(settings.caFile!)] })
    : undefined;
  const send = (url: string, init?: RequestInit): Promise<Response> =>
    fetch(url, client ? { ...init, client } : init);
  return {
    verification,
    fetch: send,
    request: (url, request) => fetchAnswer(url, request, send),
    close: () => client?.close(),
  };
}
