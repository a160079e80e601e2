/**
 * The security keys of `[kafka]` (librdkafka's names, as in the Python tool's
 * configuration) as Node TLS options and SASL credentials, shared by both clients'
 * translations: `security.protocol`, `sasl.mechanisms`, `sasl.username`,
 * `sasl.password`, `ssl.ca.location`, `ssl.certificate.location`, `ssl.key.location`,
 * `ssl.key.password`, `ssl.endpoint.identification.algorithm` and
 * `enable.ssl.certificate.verification`. A value that cannot work (an unknown protocol or
 * mechanism, a file that cannot be read or is not PEM, a key without its certificate) is
 * a `ConfigurationError` naming the key; a secret never appears in it.
 *
 * @module
 */

import { ConfigurationError, describeError } from "../errors/mod.ts";
import { checkClientCertificate } from "./client_cert.ts";

/** The `[kafka]` table (the same as `LibrdkafkaConfig`, not imported: no cycle). */
type KafkaTable = Record<string, string | number | boolean>;

/** The security protocols (`security.protocol`). */
export const SECURITY_PROTOCOLS = ["PLAINTEXT", "SSL", "SASL_PLAINTEXT", "SASL_SSL"] as const;

/** The SASL mechanisms both clients speak (`sasl.mechanisms`). */
export const SASL_MECHANISMS = ["PLAIN", "SCRAM-SHA-256", "SCRAM-SHA-512"] as const;

/** Node `tls.connect` options, as both clients take them. */
export interface TlsOptions {
  /** The CAs to trust instead of the system's (`ssl.ca.location`). */
  ca?: string[];
  /** The client certificate (`ssl.certificate.location`). */
  cert?: string;
  /** The client's private key (`ssl.key.location`). */
  key?: string;
  /** The key's password (`ssl.key.password`). */
  passphrase?: string;
  /** False with `enable.ssl.certificate.verification = false`. */
  rejectUnauthorized?: boolean;
  /** Accepts any host name, with `ssl.endpoint.identification.algorithm = "none"`. */
  checkServerIdentity?: () => undefined;
}

/** SASL credentials; the mechanism in upper case. */
export interface SaslCredentials {
  /** One of {@linkcode SASL_MECHANISMS}. */
  mechanism: typeof SASL_MECHANISMS[number];
  /** `sasl.username`. */
  username: string;
  /** `sasl.password`. */
  password: string;
}

/** What the security keys ask for. */
export interface KafkaSecurity {
  /** The protocol, upper case. */
  protocol: typeof SECURITY_PROTOCOLS[number];
  /** TLS options, with SSL and SASL_SSL. */
  tls?: TlsOptions;
  /** Credentials, with SASL_PLAINTEXT and SASL_SSL. */
  sasl?: SaslCredentials;
}

/** The keys {@linkcode kafkaSecurity} understands. */
export const SECURITY_KEYS: readonly string[] = [
  "security.protocol",
  "sasl.mechanisms",
  "sasl.mechanism",
  "sasl.username",
  "sasl.password",
  "ssl.ca.location",
  "ssl.certificate.location",
  "ssl.key.location",
  "ssl.key.password",
  "ssl.endpoint.identification.algorithm",
  "enable.ssl.certificate.verification",
];

/** Options of {@linkcode kafkaSecurity}. */
export interface KafkaSecurityOptions {
  /** Reads a PEM file (default: `Deno.readTextFileSync`). */
  readFile?: (path: string) => string;
}

/**
 * The TLS options and SASL credentials `[kafka]` asks for.
 *
 * @throws {ConfigurationError} naming the key when a value cannot work.
 */
export function kafkaSecurity(
  config: KafkaTable,
  options: KafkaSecurityOptions = {},
): KafkaSecurity {
  const text = (key: string): string => String(config[key] ?? "").trim();
  const protocol = (text("security.protocol") || "PLAINTEXT").toUpperCase();
  if (!(SECURITY_PROTOCOLS as readonly string[]).includes(protocol)) {
    throw new ConfigurationError(
      `[kafka] "security.protocol" = "${text("security.protocol")}" is not one of ` +
        SECURITY_PROTOCOLS.join(", "),
    );
  }
  const security: KafkaSecurity = { protocol: protocol as KafkaSecurity["protocol"] };
  if (protocol === "SSL" || protocol === "SASL_SSL") {
    security.tls = tlsOptions(text, options.readFile ?? Deno.readTextFileSync);
    // librdkafka's default is "https": the broker's certificate must name the host. "none"
    // (or Java's empty value) switches that check off; the chain is still verified.
    const identification = config["ssl.endpoint.identification.algorithm"];
    if (identification !== undefined) {
      const value = String(identification).trim().toLowerCase();
      if (value === "none" || value === "") {
        security.tls.checkServerIdentity = (): undefined => undefined;
      } else if (value !== "https") {
        throw new ConfigurationError(
          `[kafka] "ssl.endpoint.identification.algorithm" = "${identification}" is not ` +
            `"https" or "none"`,
        );
      }
    }
  }
  if (protocol === "SASL_PLAINTEXT" || protocol === "SASL_SSL") {
    const key = config["sasl.mechanisms"] !== undefined ? "sasl.mechanisms" : "sasl.mechanism";
    const mechanism = (text(key) || "PLAIN").toUpperCase();
    if (!(SASL_MECHANISMS as readonly string[]).includes(mechanism)) {
      throw new ConfigurationError(
        `[kafka] "${key}" = "${text(key)}" is not supported: use ${SASL_MECHANISMS.join(", ")}`,
      );
    }
    security.sasl = {
      mechanism: mechanism as SaslCredentials["mechanism"],
      username: text("sasl.username"),
      password: text("sasl.password"),
    };
  }
  return security;
}

/** The TLS options of the `ssl.*` keys. */
function tlsOptions(text: (key: string) => string, read: (path: string) => string): TlsOptions {
  const pem = (key: string): string | undefined => {
    const path = text(key);
    if (!path) return undefined;
    let content: string;
    try {
      content = read(path);
    } catch (error) {
      throw new ConfigurationError(
        `[kafka] "${key}" = "${path}" cannot be read: ${describeError(error)}`,
      );
    }
    if (!content.includes("-----BEGIN ")) {
      throw new ConfigurationError(`[kafka] "${key}" = "${path}" is not a PEM file`);
    }
    return content;
  };
  const tls: TlsOptions = {};
  const ca = pem("ssl.ca.location");
  if (ca !== undefined) tls.ca = [ca];
  const cert = pem("ssl.certificate.location");
  const key = pem("ssl.key.location");
  if ((cert === undefined) !== (key === undefined)) {
    throw new ConfigurationError(
      `[kafka] "ssl.certificate.location" and "ssl.key.location" go together: ` +
        `a client certificate needs its key`,
    );
  }
  if (cert !== undefined && key !== undefined) {
    tls.cert = cert;
    tls.key = key;
    const password = text("ssl.key.password");
    if (password) tls.passphrase = password;
    checkClientCertificate({
      cert,
      key,
      passphrase: tls.passphrase,
      certPath: text("ssl.certificate.location"),
      keyPath: text("ssl.key.location"),
    });
  }
  if (/^(false|0)$/i.test(text("enable.ssl.certificate.verification"))) {
    tls.rejectUnauthorized = false;
  }
  return tls;
}
