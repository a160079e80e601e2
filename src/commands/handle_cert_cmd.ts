/**
 * `handle-cert [URL]`: what a Handle server's HTTPS port presents (subject, names, validity,
 * whether this host trusts it, and the value of `tls_pin_sha256`), so an operator can pin
 * exactly the certificate they see. Without a URL, the `server_url` of a profile.
 *
 * @module
 */

import { defaultProfileName, handleProfiles } from "../config/profiles.ts";
import { describeError } from "../errors/mod.ts";
import { EXIT } from "../runner/mod.ts";
import { type CertificateInfo, inspectCertificate } from "../tls/mod.ts";
import { ExitError, type GlobalOptions, openContext } from "./context.ts";

/** Options of `handle-cert`. */
export interface HandleCertOptions {
  /** The profile whose `server_url` and `ca_file` to use (default: the default profile). */
  profile?: string;
  /** A CA file to check the certificate against (default: the profile's `ca_file`). */
  caFile?: string;
}

/** The lines `handle-cert` prints for a certificate. */
export function certificateLines(info: CertificateInfo): string[] {
  const selfSigned = info.subject === info.issuer ? " (self-signed)" : "";
  return [
    `server   ${info.address}`,
    `subject  ${info.subject || "(empty)"}`,
    `issuer   ${info.issuer || "(empty)"}${selfSigned}`,
    `names    ${info.names.length > 0 ? info.names.join(", ") : "(none: valid for no host name)"}`,
    `valid    ${info.validFrom} to ${info.validTo}`,
    `trusted  ${
      info.untrustedBecause === undefined
        ? "yes, for this host name"
        : `no: ${info.untrustedBecause}`
    }`,
    `pin      tls_pin_sha256 = "${info.pin}"`,
  ];
}

/** Prints the certificate of `url` (or of the profile's server); returns the exit code. */
export async function handleCertCommand(
  globals: GlobalOptions,
  url: string | undefined,
  options: HandleCertOptions,
): Promise<number> {
  let target = url;
  let caFile = options.caFile;
  if (target === undefined || options.profile !== undefined) {
    const { config } = await openContext(globals);
    const name = options.profile ?? defaultProfileName(config);
    const profile = handleProfiles(config).get(name);
    if (profile === undefined) {
      throw new ExitError(`handle-cert: no Handle profile "${name}"`, EXIT.configuration);
    }
    target ??= profile.server_url;
    caFile ??= profile.ca_file || undefined;
  }
  let parsed: URL;
  try {
    parsed = new URL(target);
  } catch {
    throw new ExitError(`handle-cert: not a URL: ${target}`, EXIT.configuration);
  }
  if (parsed.protocol !== "https:") {
    throw new ExitError(
      `handle-cert: ${target} is not https: a plain HTTP server has no certificate`,
      EXIT.configuration,
    );
  }
  let info: CertificateInfo;
  try {
    info = await inspectCertificate(parsed.href, { caFile });
  } catch (error) {
    throw new ExitError(`handle-cert: ${parsed.host}: ${describeError(error)}`, EXIT.transient);
  }
  for (const line of certificateLines(info)) console.log(line);
  return EXIT.ok;
}
