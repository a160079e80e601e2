/**
 * A TLS failure in one line that names its real cause and the fix that applies: a
 * certificate for other names suggests the pin, an unknown CA suggests `ca_file` (or the
 * pin, for a self-signed certificate), a pin that does not match says both pins.
 *
 * @module
 */

import { PinMismatchError } from "./http1.ts";

function innermost(error: unknown): string {
  let at: unknown = error;
  const texts: string[] = [];
  for (let depth = 0; depth < 5 && at !== undefined; depth++) {
    texts.push(at instanceof Error ? at.message : String(at));
    at = at instanceof Error ? at.cause : undefined;
  }
  return texts.join(" | ");
}

/** Whether `error` (a failed request) was a TLS verification failure. */
export function isTlsFailure(error: unknown): boolean {
  if (error instanceof PinMismatchError) return true;
  return /invalid peer certificate|certificate|UnknownIssuer|NotValidForName|CERT_|SELF_SIGNED/i
    .test(innermost(error));
}

/**
 * The one-line reason and fix for a TLS failure reaching `base`, for the settings of
 * the profile whose table is `section` (so the operator finds it); undefined when it was no
 * TLS failure.
 */
export function describeTlsFailure(
  error: unknown,
  options: { base: string; section?: string },
): string | undefined {
  const where = `Handle service ${options.base}`;
  const section = options.section ? `[${options.section}]` : "the Handle profile";
  const show = `see it with 'piddiplatsch handle-cert ${options.base}'`;
  if (error instanceof PinMismatchError) {
    return `${where}: TLS: ${error.message}; if the server's certificate was renewed, ` +
      `check it (${show}) and update tls_pin_sha256 in ${section}`;
  }
  if (!isTlsFailure(error)) return undefined;
  const text = innermost(error);
  if (/NotValidForName|not valid for name|Hostname|altnames|ERR_TLS_CERT_ALTNAME/i.test(text)) {
    return `${where}: TLS: the certificate is not valid for this host name; ` +
      `use the name it was issued for in server_url, or trust exactly this certificate with ` +
      `tls_pin_sha256 in ${section} (${show})`;
  }
  if (/expired|NotValidYet|CERT_HAS_EXPIRED/i.test(text)) {
    return `${where}: TLS: the certificate has expired or is not valid yet (${show})`;
  }
  if (
    /UnknownIssuer|self.signed|SELF_SIGNED|unable to get local issuer|UNABLE_TO_VERIFY/i.test(text)
  ) {
    return `${where}: TLS: the certificate is signed by a CA this host does not trust; ` +
      `trust the site CA with ca_file in ${section}, or pin a self-signed certificate with ` +
      `tls_pin_sha256 (${show})`;
  }
  return `${where}: TLS: ${text.split("\n")[0]} (${show})`;
}
