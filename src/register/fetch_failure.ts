/**
 * What a failed request to a Handle service means: a permission Deno refused or a
 * certificate that is not accepted is a configuration error (its message names the
 * cause and the setting that fixes it), anything else (refused, reset, timed out) is
 * transient.
 *
 * @module
 */

import { ConfigurationError, permissionRefusal, TransientError } from "../errors/mod.ts";
import { describeTlsFailure } from "../tls/mod.ts";
import { networkReason } from "../transient/mod.ts";

/** The error to throw for a request to the Handle service at `base` that threw `error`. */
export function fetchFailure(
  error: unknown,
  options: { base: string; timeout: number; section?: string },
): ConfigurationError | TransientError {
  const where = `Handle service ${options.base}`;
  const refused = permissionRefusal(error, where);
  if (refused) return refused;
  const tls = describeTlsFailure(error, options);
  if (tls !== undefined) return new ConfigurationError(tls);
  return new TransientError(`${where}: ${networkReason(error, options.timeout)}`);
}
