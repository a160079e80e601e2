/**
 * Checks a client certificate and its key before they are handed to a Kafka client:
 * Deno's TLS layer leaves out a key that its password does not open (the broker then
 * answers "bad certificate", as if none was given) and refuses a key of another
 * certificate with "unsupported protocol". Checked here, each is one line naming the key.
 *
 * @module
 */

import { createPrivateKey, type KeyObject, X509Certificate } from "node:crypto";
import { ConfigurationError } from "../errors/mod.ts";

/** The PEM texts and where they came from. */
export interface ClientCertificate {
  /** The certificate (PEM). */
  cert: string;
  /** The private key (PEM). */
  key: string;
  /** The key's password, if any. */
  passphrase?: string;
  /** `ssl.certificate.location`. */
  certPath: string;
  /** `ssl.key.location`. */
  keyPath: string;
}

/**
 * Throws a `ConfigurationError` when the key cannot be opened (no or a wrong
 * `ssl.key.password`), does not belong to the certificate, or the certificate is not
 * valid now (expired or not yet valid).
 */
export function checkClientCertificate(client: ClientCertificate, now: Date = new Date()): void {
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: client.key, passphrase: client.passphrase });
  } catch {
    throw new ConfigurationError(
      client.passphrase === undefined
        ? `[kafka] "ssl.key.location" = "${client.keyPath}" cannot be read without a ` +
          `password: set "ssl.key.password"`
        : `[kafka] "ssl.key.password" does not open "ssl.key.location" = "${client.keyPath}" ` +
          `(a wrong password, or not a private key)`,
    );
  }
  let cert: X509Certificate;
  try {
    cert = new X509Certificate(client.cert);
  } catch {
    throw new ConfigurationError(
      `[kafka] "ssl.certificate.location" = "${client.certPath}" holds no certificate`,
    );
  }
  if (!cert.checkPrivateKey(key)) {
    throw new ConfigurationError(
      `[kafka] "ssl.key.location" = "${client.keyPath}" is not the key of ` +
        `"ssl.certificate.location" = "${client.certPath}"`,
    );
  }
  const from = new Date(cert.validFrom);
  const to = new Date(cert.validTo);
  if (now > to) {
    throw new ConfigurationError(
      `[kafka] "ssl.certificate.location" = "${client.certPath}": the client certificate ` +
        `expired on ${to.toISOString()}`,
    );
  }
  if (now < from) {
    throw new ConfigurationError(
      `[kafka] "ssl.certificate.location" = "${client.certPath}": the client certificate ` +
        `is valid only from ${from.toISOString()}`,
    );
  }
}
