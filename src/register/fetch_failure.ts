/**
 * What a failed `fetch` to a Handle service means: a permission Deno refused or
 * an untrusted certificate is a configuration error, anything else (refused,
 * reset, timed out) is transient.
 *
 * @module
 */

import { ConfigurationError, permissionRefusal, TransientError } from "../errors/mod.ts";
import { isCertificateError, networkReason } from "../transient/mod.ts";

/** The error to throw for a `fetch` to the Handle service at `base` that threw `error`. */
export function fetchFailure(
  error: unknown,
  options: { base: string; timeout: number },
): ConfigurationError | TransientError {
  const where = `Handle service ${options.base}`;
  const refused = permissionRefusal(error, where);
  if (refused) return refused;
  const reason = networkReason(error, options.timeout);
  if (isCertificateError(error)) {
    return new ConfigurationError(`${where}: TLS: ${reason}; trust its CA with [handle].ca_file`);
  }
  return new TransientError(`${where}: ${reason}`);
}
