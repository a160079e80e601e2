/**
 * An independent check of the values of a registered Handle record (not the
 * project's own rules): URLs are plain absolute http(s) URLs, node hosts DNS names,
 * no text holds a control character or a lone surrogate, sizes and checksums have
 * their form.
 *
 * @module
 */

// deno-lint-ignore no-control-regex
const CONTROL = /[\x00-\x1f\x7f-\x9f]/;
const URL_RE = /^https?:\/\/[a-z0-9.-]+(:\d+)?([/?#]\S*)?$/i;
const HOST_RE = /^[a-z0-9]([a-z0-9-]*[a-z0-9])?(\.[a-z0-9]([a-z0-9-]*[a-z0-9])?)*$/i;

/** What is wrong with one value of a record (type and value as registered); `[]` if nothing. */
export function valueProblems(type: string, value: unknown): string[] {
  if (type === "HS_ADMIN") return [];
  const text = typeof value === "string" ? value : JSON.stringify(value);
  const problems: string[] = [];
  if (CONTROL.test(text) || !text.isWellFormed()) {
    problems.push(`${type} holds a control character`);
  }
  const url = (u: unknown): void => {
    if (typeof u !== "string" || !URL_RE.test(u)) problems.push(`${type} URL ${JSON.stringify(u)}`);
  };
  const host = (node: unknown): void => {
    const name = (node as { host?: unknown } | null)?.host;
    if (typeof name !== "string" || !HOST_RE.test(name)) {
      problems.push(`${type} host ${JSON.stringify(name)}`);
    }
  };
  if (type === "URL" || type === "DOWNLOAD_URL") url(text);
  if (type === "REPLICA_DOWNLOAD_URLS") [JSON.parse(text)].flat().forEach(url);
  if (type === "HOSTING_NODE" || type === "REPLICA_NODES") [JSON.parse(text)].flat().forEach(host);
  if (type === "FILE_SIZE" && !/^[1-9]\d*$/.test(text)) problems.push(`FILE_SIZE ${text}`);
  // hex, or in non-strict mode (method "unknown") one short token of visible ASCII
  if (type === "CHECKSUM" && !/^[\x21-\x7e]{1,512}$/.test(text)) problems.push(`CHECKSUM ${text}`);
  return problems;
}
