/**
 * HTTP Basic authentication as the Handle REST API uses it: the user name is an indexed
 * handle such as `300:21.TEST/testuser`, sent with its `:` percent-encoded.
 *
 * @module
 */

/** What an `Authorization` header says about the caller. */
export type AuthResult =
  | { kind: "missing" }
  | { kind: "failed"; reason: string }
  | { kind: "ok"; user: string };

/** The one account the server knows. */
export interface Credentials {
  /** The indexed handle, e.g. "300:21.TEST/testuser" (not percent-encoded). */
  username: string;
  /** The password (secret key). */
  password: string;
}

/**
 * Checks a `Basic` authorization header value against the known credentials, as the
 * Handle.Net server does: the decoded text is split at its first `:`, and the user part is
 * percent-decoded before comparing. So "300%3A21.TEST%2Ftestuser" and
 * "300%3A21.TEST/testuser" are accepted, while the unencoded "300:21.TEST/testuser" names
 * the user "300" and fails.
 */
export function checkBasicAuth(header: string | null, credentials: Credentials): AuthResult {
  if (header === null || header.trim() === "") return { kind: "missing" };
  const match = /^Basic\s+([A-Za-z0-9+/=_-]+)\s*$/i.exec(header.trim());
  if (match === null) return { kind: "failed", reason: "unsupported authorization scheme" };
  let decoded: string;
  try {
    const binary = atob(match[1].replaceAll("-", "+").replaceAll("_", "/"));
    const bytes = Uint8Array.from(binary, (c) => c.charCodeAt(0));
    decoded = new TextDecoder("utf-8", { fatal: true }).decode(bytes);
  } catch {
    return { kind: "failed", reason: "malformed basic credentials" };
  }
  const colon = decoded.indexOf(":");
  if (colon < 0 || percentDecode(decoded.slice(0, colon)) !== credentials.username) {
    return { kind: "failed", reason: "unknown user" };
  }
  if (!timingSafeEqual(decoded.slice(colon + 1), credentials.password)) {
    return { kind: "failed", reason: "wrong password" };
  }
  return { kind: "ok", user: credentials.username };
}

/** The prefix of an indexed handle's handle: "300:21.TEST/user" gives "21.TEST". */
export function userPrefix(indexedHandle: string): string {
  const colon = indexedHandle.indexOf(":");
  const handle = colon >= 0 && /^[0-9]+$/.test(indexedHandle.slice(0, colon))
    ? indexedHandle.slice(colon + 1)
    : indexedHandle;
  const slash = handle.indexOf("/");
  return slash < 0 ? handle : handle.slice(0, slash);
}

/** The handle part of an indexed handle: "300:0.NA/21.TEST" gives "0.NA/21.TEST". */
export function userHandle(indexedHandle: string): string {
  const colon = indexedHandle.indexOf(":");
  return colon >= 0 && /^[0-9]+$/.test(indexedHandle.slice(0, colon))
    ? indexedHandle.slice(colon + 1)
    : indexedHandle;
}

function percentDecode(text: string): string {
  try {
    return decodeURIComponent(text);
  } catch {
    return text;
  }
}

function timingSafeEqual(a: string, b: string): boolean {
  const x = new TextEncoder().encode(a);
  const y = new TextEncoder().encode(b);
  let diff = x.length ^ y.length;
  for (let i = 0; i < Math.max(x.length, y.length); i++) diff |= (x[i] ?? 0) ^ (y[i] ?? 0);
  return diff === 0;
}
