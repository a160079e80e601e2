/**
 * What a TLS server presents: its certificate's subject, names, validity and pin, and
 * whether this host would trust it as it is. For `piddiplatsch handle-cert URL`, so an
 * operator can pin what they see.
 *
 * @module
 */

import { isIP } from "node:net";
import * as tls from "node:tls";
import { certificatePin } from "./http1.ts";

/** A server certificate, as shown to an operator. */
export interface CertificateInfo {
  /** Host and port asked. */
  address: string;
  /** Subject, e.g. `CN=anonymous`. */
  subject: string;
  /** Issuer, e.g. `CN=anonymous` for a self-signed one. */
  issuer: string;
  /** The subjectAltName entries, e.g. `DNS:handle.example.org`, `IP Address:127.0.0.1`. */
  names: string[];
  /** Start and end of validity, as the certificate says. */
  validFrom: string;
  validTo: string;
  /** Lowercase hex SHA-256 of the DER certificate: the value of `tls_pin_sha256`. */
  pin: string;
  /** Undefined when the system's roots (and `caFile`) accept it for this host; else why not. */
  untrustedBecause?: string;
}

/** An OpenSSL verification code with what it means for the operator. */
function readable(code: string, host: string): string {
  const meaning: Record<string, string> = {
    DEPTH_ZERO_SELF_SIGNED_CERT: "self-signed",
    SELF_SIGNED_CERT_IN_CHAIN: "its chain ends in a self-signed CA this host does not trust",
    UNABLE_TO_VERIFY_LEAF_SIGNATURE: "issued by a CA this host does not trust",
    UNABLE_TO_GET_ISSUER_CERT_LOCALLY: "issued by a CA this host does not trust",
    ERR_TLS_CERT_ALTNAME_INVALID: `not valid for the host name ${host}`,
    CERT_HAS_EXPIRED: "expired",
    CERT_NOT_YET_VALID: "not valid yet",
  };
  return meaning[code] ? `${meaning[code]} (${code})` : code;
}

function distinguishedName(name: Record<string, string | string[]> | undefined): string {
  if (!name) return "";
  return Object.entries(name).map(([k, v]) => `${k}=${Array.isArray(v) ? v.join("+") : v}`)
    .join(", ");
}

/**
 * Connects to `url` (https) without verifying, reads the certificate, and says whether it
 * would be trusted (with `options.caFile` as an extra CA) for the URL's host.
 */
export function inspectCertificate(
  url: string,
  options: { caFile?: string; timeoutMs?: number } = {},
): Promise<CertificateInfo> {
  const target = new URL(url);
  if (target.protocol !== "https:") {
    return Promise.reject(new Error(`${url}: not an https URL`));
  }
  const host = target.hostname.replace(/^\[|\]$/g, "");
  const port = Number(target.port || 443);
  const ca = options.caFile ? [Deno.readTextFileSync(options.caFile)] : undefined;
  return new Promise((resolve, reject) => {
    const socket = tls.connect({
      host,
      port,
      servername: isIP(host) ? undefined : host,
      rejectUnauthorized: false,
      ...(ca ? { ca: [...tls.rootCertificates, ...ca] } : {}),
    });
    const timer = setTimeout(() => {
      socket.destroy();
      reject(
        new Error(
          `${target.host}: no TLS handshake within ${(options.timeoutMs ?? 10000) / 1000}s`,
        ),
      );
    }, options.timeoutMs ?? 10000);
    socket.once("error", (error) => {
      clearTimeout(timer);
      reject(error);
    });
    socket.once("secureConnect", () => {
      clearTimeout(timer);
      const c = socket.getPeerCertificate();
      const names = (c.subjectaltname ?? "").split(",").map((n) => n.trim()).filter(Boolean);
      let untrustedBecause: string | undefined = socket.authorized
        ? undefined
        : readable(String(socket.authorizationError ?? "not trusted"), host);
      if (untrustedBecause === undefined) {
        const mismatch = tls.checkServerIdentity(host, c);
        if (mismatch) untrustedBecause = `not valid for ${host}: ${mismatch.message}`;
      }
      socket.destroy();
      resolve({
        address: target.host,
        subject: distinguishedName(c.subject as unknown as Record<string, string>),
        issuer: distinguishedName(c.issuer as unknown as Record<string, string>),
        names,
        validFrom: c.valid_from,
        validTo: c.valid_to,
        pin: c.raw ? certificatePin(c.raw) : "",
        untrustedBecause,
      });
    });
  });
}
