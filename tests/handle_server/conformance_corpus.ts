/**
 * The corpus of the differential conformance test: requests sent in order to a real
 * Handle.Net 9.2.0 server and to handle-server, both serving prefix `{P}` for the user
 * `300:{P}/testuser`. `{P}` in paths and bodies stands for the prefix. Steps depend on
 * earlier ones (a handle created, a session opened), so the order matters.
 *
 * @module
 */

/** How a step authenticates. */
export type StepAuth =
  | "none"
  | "basic" // 300%3A{P}%2Ftestuser:testpass
  | "basic-partial" // 300%3A{P}/testuser:testpass
  | "basic-raw" // 300:{P}/testuser:testpass (unencoded)
  | "basic-wrong" // right user, wrong password
  | "basic-unknown" // a user that does not exist
  | "basic-other-index" // 301:{P}/testuser
  | "basic-garbage" // not base64
  | "bearer"
  | { session: string } // Authorization: Handle sessionId="…" of a named session
  | { sessionBasic: string } // the session header combined with Basic credentials
  | { sessionId: string }; // a literal session id

/** One request of the corpus. */
export interface Step {
  /** What the step checks. */
  name: string;
  /** The method; GET by default. */
  method?: string;
  /** Path and query, `{P}` for the prefix. */
  path: string;
  /** Credentials; none by default. */
  auth?: StepAuth;
  /** The body: text as given, anything else as JSON. */
  body?: unknown;
  /** Content-Type; `application/json` when a body is given, `null` for none. */
  contentType?: string | null;
  /** Over plain HTTP instead of HTTPS. */
  http?: boolean;
  /** Remember the session this step opens under this name. */
  opens?: string;
}

const url = (n: number | string): unknown => ({
  index: 1,
  type: "URL",
  data: `https://example.org/${n}`,
});
const admin = {
  index: 100,
  type: "HS_ADMIN",
  data: {
    format: "admin",
    value: { handle: "0.NA/{P}", index: 200, permissions: "011111110011" },
  },
};
const text = (index: number, type: string, data: unknown): unknown => ({ index, type, data });
const put = (name: string, path: string, body: unknown, extra: Partial<Step> = {}): Step => ({
  name,
  method: "PUT",
  path,
  auth: "basic",
  body,
  ...extra,
});
const H = "/api/handles/{P}";

/** Resolution and the user's own handle. */
const reads: Step[] = [
  { name: "own handle, public", path: `${H}/testuser` },
  { name: "own handle, authenticated", path: `${H}/testuser`, auth: "basic" },
  { name: "own handle, HS_SECKEY public", path: `${H}/testuser?type=HS_SECKEY` },
  { name: "own handle over HTTP", path: `${H}/testuser`, http: true },
  { name: "own handle, upper case", path: "/api/handles/{P}/TESTUSER" },
  { name: "missing handle", path: `${H}/absent` },
  { name: "missing handle over HTTP", path: `${H}/absent`, http: true },
  { name: "foreign prefix", path: "/api/handles/21.OTHER/x" },
  { name: "foreign prefix, authenticated", path: "/api/handles/21.OTHER/x", auth: "basic" },
  { name: "no resource", path: "/api/nothing" },
  { name: "missing handle, wrong password", path: `${H}/absent`, auth: "basic-wrong" },
  { name: "own handle, wrong password", path: `${H}/testuser`, auth: "basic-wrong" },
  { name: "own handle, unencoded user", path: `${H}/testuser`, auth: "basic-raw" },
];

/** Creating, reading and replacing a record. */
const records: Step[] = [
  put("create", `${H}/c1`, { values: [url(1), admin] }),
  { name: "read created", path: `${H}/c1` },
  { name: "read created over HTTP", path: `${H}/c1`, http: true },
  { name: "read ?type=URL", path: `${H}/c1?type=URL` },
  { name: "read ?type=url (case)", path: `${H}/c1?type=url` },
  { name: "read ?index=1", path: `${H}/c1?index=1` },
  { name: "read ?index=1&index=100", path: `${H}/c1?index=1&index=100` },
  { name: "read ?type=URL&index=100", path: `${H}/c1?type=URL&index=100` },
  { name: "read ?type=NOPE (empty)", path: `${H}/c1?type=NOPE` },
  { name: "read ?index=99 (empty)", path: `${H}/c1?index=99` },
  { name: "read ?index=abc", path: `${H}/c1?index=abc` },
  { name: "read ?auth=true", path: `${H}/c1?auth=true` },
  { name: "read in upper case", path: `${H}/C1` },
  { name: "read, prefix in lower case", path: "/api/handles/{P}/c1".replace("{P}", "{p}") },
  put("replace without overwrite", `${H}/c1`, { values: [url(2), admin] }),
  { name: "read replaced", path: `${H}/c1` },
  put("overwrite=false on existing", `${H}/c1?overwrite=false`, { values: [url(3), admin] }),
  put("overwrite=true without HS_ADMIN", `${H}/c1?overwrite=true`, { values: [url(4)] }),
  { name: "read after replace without HS_ADMIN", path: `${H}/c1` },
  put("overwrite=TRUE", `${H}/c1?overwrite=TRUE`, { values: [url(5), admin] }),
  put("overwrite=yes", `${H}/c1?overwrite=yes`, { values: [url(6), admin] }),
  put("overwrite=0", `${H}/c1?overwrite=0`, { values: [url(7), admin] }),
  put("overwrite=false on a new handle", `${H}/c2?overwrite=false`, { values: [url(1)] }),
  put("bare array body", `${H}/c3`, [url(1), admin]),
  { name: "read bare-array handle", path: `${H}/c3` },
  put("index as a numeric string", `${H}/c4`, { values: [{ ...url(1) as object, index: "2" }] }),
  put("data as a number", `${H}/c5`, { values: [text(1, "FILE_SIZE", 2048)] }),
  put("data as a decimal", `${H}/c5b`, { values: [text(1, "SIZE", "__RAW__1.50")] }),
  put("data as format/value", `${H}/c6`, {
    values: [text(1, "URL", { format: "string", value: "https://example.org/f" })],
  }),
  { name: "read numeric-string index", path: `${H}/c4` },
  { name: "read number data", path: `${H}/c5` },
  { name: "read decimal data", path: `${H}/c5b` },
  { name: "read format/value data", path: `${H}/c6` },
  put("ttl and permissions given", `${H}/c7`, {
    values: [{ ...url(1) as object, ttl: 3600, permissions: "1110" }],
  }),
  { name: "read ttl and permissions", path: `${H}/c7` },
  { name: "read ttl and permissions, authenticated", path: `${H}/c7`, auth: "basic" },
  put("a non-public value", `${H}/c8`, {
    values: [url(1), { ...text(2, "SECRET", "s") as object, permissions: "1100" }],
  }),
  { name: "read non-public, anonymous", path: `${H}/c8` },
  { name: "read non-public, authenticated", path: `${H}/c8`, auth: "basic" },
  { name: "read non-public by type, anonymous", path: `${H}/c8?type=SECRET` },
  {
    name: "read non-public over HTTP with credentials",
    path: `${H}/c8`,
    auth: "basic",
    http: true,
  },
  put("unicode value", `${H}/c9`, { values: [text(1, "TITLE", "Ünïcødé ☃ 日本")] }),
  { name: "read unicode value", path: `${H}/c9` },
  put("unicode value, charset UTF-8", `${H}/c9u`, { values: [text(1, "TITLE", "Ünïcødé ☃")] }, {
    contentType: "application/json;charset=UTF-8",
  }),
  { name: "read unicode value sent as UTF-8", path: `${H}/c9u` },
  put("a single value as the body", `${H}/c9s`, url(1)),
  put("foreign prefix", "/api/handles/21.OTHER/x", { values: [url(1)] }),
  put("suffix with an encoded space", `${H}/a%20b`, { values: [url(1)] }),
  { name: "read encoded space", path: `${H}/a%20b` },
  put("lower-case type", `${H}/c10`, { values: [text(1, "url", "https://example.org/l")] }),
  { name: "read lower-case type by URL", path: `${H}/c10?type=URL` },
  put("HS_ADMIN with a string index", `${H}/c11`, {
    values: [{
      index: 100,
      type: "HS_ADMIN",
      data: { format: "admin", value: { handle: "0.NA/{P}", index: "200", permissions: "011" } },
    }],
  }),
  { name: "read HS_ADMIN with a string index", path: `${H}/c11` },
  put("base64 data", `${H}/c12`, {
    values: [text(1, "BLOB", { format: "base64", value: "AQID" })],
  }),
  { name: "read base64 data", path: `${H}/c12` },
  put("hex data", `${H}/c13`, { values: [text(1, "BLOB", { format: "hex", value: "0a0b" })] }),
  { name: "read hex data", path: `${H}/c13` },
  put("empty values", `${H}/c14`, { values: [] }),
  { name: "read empty handle", path: `${H}/c14` },
  put("several values of one type", `${H}/c15`, {
    values: [url(1), text(2, "URL", "https://example.org/2"), text(3, "EMAIL", "a@b")],
  }),
  { name: "read several of one type", path: `${H}/c15?type=URL` },
  put("timestamp given", `${H}/c16`, {
    values: [{ ...url(1) as object, timestamp: "2001-01-01T00:00:00Z" }],
  }),
  { name: "read given timestamp", path: `${H}/c16` },
  put("values out of index order", `${H}/o1`, {
    values: [admin, text(7, "B", "b"), text(2, "A", "a"), url(1)],
  }),
  { name: "read out-of-order values", path: `${H}/o1` },
  put("add index 3 to out-of-order", `${H}/o1?index=3`, { values: [text(3, "C", "c")] }),
  { name: "read after adding to out-of-order", path: `${H}/o1` },
  {
    name: "delete index 7 of out-of-order",
    method: "DELETE",
    path: `${H}/o1?index=7`,
    auth: "basic",
  },
  put("replace out-of-order again", `${H}/o1`, { values: [text(9, "Z", "z"), url(1)] }),
  put("replace index 9 of out-of-order", `${H}/o1?index=9`, { values: [text(9, "Z", "zz")] }),
  { name: "read after replacing index 9", path: `${H}/o1` },
  put("values out of order, again", `${H}/o2`, {
    values: [text(5, "E", "e"), url(1), text(3, "C", "c")],
  }),
  { name: "delete index 3 of o2", method: "DELETE", path: `${H}/o2?index=3`, auth: "basic" },
  { name: "read o2 after deleting a value", path: `${H}/o2` },
];

/** Values and bodies the server cannot read. */
const malformed: Step[] = [
  put("index 0", `${H}/m1`, { values: [text(0, "URL", "x")] }),
  put("negative index", `${H}/m1`, { values: [text(-1, "URL", "x")] }),
  put("duplicate index", `${H}/m1`, { values: [url(1), text(1, "EMAIL", "x")] }),
  put("value without type", `${H}/m1`, { values: [{ index: 1, data: "x" }] }),
  put("value without index", `${H}/m1`, { values: [{ type: "URL", data: "x" }] }),
  put("value without data", `${H}/m1`, { values: [{ index: 1, type: "URL" }] }),
  put("data object without value", `${H}/m1`, { values: [text(1, "URL", { format: "string" })] }),
  put("data object without format", `${H}/m1`, { values: [text(1, "URL", { value: "x" })] }),
  put("unknown data format", `${H}/m1`, {
    values: [text(1, "URL", { format: "nope", value: "x" })],
  }),
  put("index as words", `${H}/m1`, { values: [{ index: "one", type: "URL", data: "x" }] }),
  put("index as a fraction", `${H}/m1`, { values: [{ ...url(1) as object, index: 1.5 }] }),
  put("type as a number", `${H}/m1`, { values: [text(1, "__RAW__7", "x")] }),
  put("data as null", `${H}/m1`, { values: [text(1, "URL", null)] }),
  put("data as an array", `${H}/m1`, { values: [text(1, "URL", ["x"])] }),
  put("values not an array", `${H}/m1`, { values: { index: 1 } }),
  put("values missing", `${H}/m1`, {}),
  put("body null", `${H}/m1`, "null"),
  put("body a number", `${H}/m1`, "42"),
  put("body a string", `${H}/m1`, '"text"'),
  put("body empty", `${H}/m1`, ""),
  put("body truncated", `${H}/m1`, '{"values":[{"index":1,"type":"URL","data":"x"}'),
  put("body not JSON", `${H}/m1`, "values=1"),
  put("body trailing garbage", `${H}/m1`, '{"values":[]} x'),
  put("body with a comment", `${H}/m1`, '{"values":[] /* c */}'),
  put("body single quotes", `${H}/m1`, "{'values':[]}"),
  put("admin without handle", `${H}/m1`, {
    values: [text(100, "HS_ADMIN", { format: "admin", value: { index: 200, permissions: "011" } })],
  }),
  put("admin value a string", `${H}/m1`, {
    values: [text(100, "HS_ADMIN", { format: "admin", value: "0.NA/{P}" })],
  }),
  put("ttl as a word", `${H}/m1`, { values: [{ ...url(1) as object, ttl: "long" }] }),
  { name: "nothing was stored", path: `${H}/m1` },
];

/** Content types. */
const contentTypes: Step[] = [
  put("Content-Type text/plain", `${H}/t1`, { values: [url(1)] }, { contentType: "text/plain" }),
  put("no Content-Type", `${H}/t1`, { values: [url(1)] }, { contentType: null }),
  put("Content-Type with charset", `${H}/t1`, { values: [url(1)] }, {
    contentType: "application/json; charset=utf-8",
  }),
  put("Content-Type upper case", `${H}/t2`, { values: [url(1)] }, {
    contentType: "APPLICATION/JSON",
  }),
  put("Content-Type form", `${H}/t3`, { values: [url(1)] }, {
    contentType: "application/x-www-form-urlencoded",
  }),
  put("Content-Type application/json-patch+json", `${H}/t3`, { values: [url(1)] }, {
    contentType: "application/json-patch+json",
  }),
  { name: "read after content types", path: `${H}/t1` },
];

/** Values at given indexes, index clashes, deleting values and handles. */
const indexes: Step[] = [
  put("create for indexes", `${H}/i1`, { values: [url(1), admin] }),
  put("add index 2", `${H}/i1?index=2`, { values: [text(2, "EMAIL", "a@b")] }),
  put("replace index 2", `${H}/i1?index=2`, { values: [text(2, "EMAIL", "c@d")] }),
  put("index 2 with overwrite=false", `${H}/i1?index=2&overwrite=false`, {
    values: [text(2, "EMAIL", "e@f")],
  }),
  put("new index 3 with overwrite=false", `${H}/i1?index=3&overwrite=false`, {
    values: [text(3, "NOTE", "n")],
  }),
  put("index=various", `${H}/i1?index=various`, { values: [text(4, "NOTE", "v")] }),
  put("index param without that value", `${H}/i1?index=5`, { values: [text(6, "NOTE", "w")] }),
  put("two index params", `${H}/i1?index=7&index=8`, {
    values: [text(7, "A", "a"), text(8, "B", "b")],
  }),
  put("index param abc", `${H}/i1?index=abc`, { values: [text(9, "A", "a")] }),
  { name: "read after index writes", path: `${H}/i1` },
  put("index on an absent handle", `${H}/i2?index=1`, { values: [url(1)] }),
  { name: "read handle made by index", path: `${H}/i2` },
  put("index clash, overwrite=false, many", `${H}/i1?index=1&index=2&overwrite=false`, {
    values: [url(9), text(2, "EMAIL", "x")],
  }),
  {
    name: "delete index 3",
    method: "DELETE",
    path: `${H}/i1?index=3`,
    auth: "basic",
  },
  { name: "delete index 3 again", method: "DELETE", path: `${H}/i1?index=3`, auth: "basic" },
  {
    name: "delete indexes 7 and 8",
    method: "DELETE",
    path: `${H}/i1?index=7&index=8`,
    auth: "basic",
  },
  {
    name: "delete index 2 and absent 77",
    method: "DELETE",
    path: `${H}/i1?index=2&index=77`,
    auth: "basic",
  },
  { name: "delete index abc", method: "DELETE", path: `${H}/i1?index=abc`, auth: "basic" },
  { name: "delete HS_ADMIN index", method: "DELETE", path: `${H}/i1?index=100`, auth: "basic" },
  { name: "read after value deletes", path: `${H}/i1` },
  {
    name: "delete index of absent handle",
    method: "DELETE",
    path: `${H}/none?index=1`,
    auth: "basic",
  },
  { name: "delete all values by index", method: "DELETE", path: `${H}/i2?index=1`, auth: "basic" },
  { name: "read after last value deleted", path: `${H}/i2` },
  { name: "delete handle", method: "DELETE", path: `${H}/i1`, auth: "basic" },
  { name: "read deleted handle", path: `${H}/i1` },
  { name: "delete handle again", method: "DELETE", path: `${H}/i1`, auth: "basic" },
  {
    name: "delete foreign prefix",
    method: "DELETE",
    path: "/api/handles/21.OTHER/x",
    auth: "basic",
  },
  { name: "delete in upper case", method: "DELETE", path: `${H}/C3`, auth: "basic" },
  { name: "read deleted upper case", path: `${H}/c3` },
];

/** Credentials. */
const credentials: Step[] = [
  put("write without credentials", `${H}/a1`, { values: [url(1)] }, { auth: "none" }),
  put("write, wrong password", `${H}/a1`, { values: [url(1)] }, { auth: "basic-wrong" }),
  put("write, unencoded user", `${H}/a1`, { values: [url(1)] }, { auth: "basic-raw" }),
  put("write, half-encoded user", `${H}/a1`, { values: [url(1)] }, { auth: "basic-partial" }),
  put("write, unknown user", `${H}/a2`, { values: [url(1)] }, { auth: "basic-unknown" }),
  put("write, user at another index", `${H}/a2`, { values: [url(1)] }, {
    auth: "basic-other-index",
  }),
  put("write, garbage Basic", `${H}/a2`, { values: [url(1)] }, { auth: "basic-garbage" }),
  put("write, Bearer", `${H}/a2`, { values: [url(1)] }, { auth: "bearer" }),
  { name: "delete without credentials", method: "DELETE", path: `${H}/a1` },
  { name: "delete, wrong password", method: "DELETE", path: `${H}/a1`, auth: "basic-wrong" },
  { name: "delete, unencoded user", method: "DELETE", path: `${H}/a1`, auth: "basic-raw" },
  { name: "read, garbage Basic", path: `${H}/a1`, auth: "basic-garbage" },
  { name: "read, Bearer", path: `${H}/a1`, auth: "bearer" },
  { name: "read, unknown user", path: `${H}/a1`, auth: "basic-unknown" },
  put("write the own handle", `${H}/testuser?index=2`, { values: [url(1)] }),
];

/** Plain HTTP next to HTTPS. */
const plainHttp: Step[] = [
  put("write over HTTP", `${H}/h1`, { values: [url(1)] }, { http: true }),
  put("write over HTTP, no credentials", `${H}/h1`, { values: [url(1)] }, {
    http: true,
    auth: "none",
  }),
  { name: "delete over HTTP", method: "DELETE", path: `${H}/a1`, auth: "basic", http: true },
  { name: "read over HTTP with credentials", path: `${H}/a1`, auth: "basic", http: true },
  { name: "list over HTTP", path: "/api/handles?prefix={P}", auth: "basic", http: true },
  {
    name: "open a session over HTTP",
    method: "POST",
    path: "/api/sessions",
    auth: "basic",
    http: true,
  },
  { name: "session state over HTTP", path: "/api/sessions/this", http: true },
  { name: "h1 was not written", path: `${H}/h1` },
];

/** Listing a prefix. */
const listing: Step[] = [
  { name: "list", path: "/api/handles?prefix={P}", auth: "basic" },
  { name: "list pageSize=0", path: "/api/handles?prefix={P}&pageSize=0", auth: "basic" },
  { name: "list page 0 of 3", path: "/api/handles?prefix={P}&page=0&pageSize=3", auth: "basic" },
  { name: "list page 1 of 3", path: "/api/handles?prefix={P}&page=1&pageSize=3", auth: "basic" },
  { name: "list page 40 of 3", path: "/api/handles?prefix={P}&page=40&pageSize=3", auth: "basic" },
  { name: "list pageSize without page", path: "/api/handles?prefix={P}&pageSize=3", auth: "basic" },
  { name: "list page without pageSize", path: "/api/handles?prefix={P}&page=1", auth: "basic" },
  { name: "list page -1", path: "/api/handles?prefix={P}&page=-1&pageSize=2", auth: "basic" },
  { name: "list pageSize -1", path: "/api/handles?prefix={P}&pageSize=-1", auth: "basic" },
  { name: "list page abc", path: "/api/handles?prefix={P}&page=abc&pageSize=2", auth: "basic" },
  { name: "list without prefix", path: "/api/handles", auth: "basic" },
  { name: "list, prefix lower case", path: "/api/handles?prefix={p}", auth: "basic" },
  { name: "list, prefix 0.NA/P", path: "/api/handles?prefix=0.NA/{P}", auth: "basic" },
  { name: "list foreign prefix", path: "/api/handles?prefix=21.OTHER", auth: "basic" },
  { name: "list without credentials", path: "/api/handles?prefix={P}" },
  { name: "list, wrong password", path: "/api/handles?prefix={P}", auth: "basic-wrong" },
  { name: "list, trailing slash", path: "/api/handles/?prefix={P}", auth: "basic" },
];

/** Sessions. */
const sessions: Step[] = [
  { name: "open authenticated", method: "POST", path: "/api/sessions", auth: "basic", opens: "s1" },
  { name: "session state", path: "/api/sessions/this", auth: { session: "s1" } },
  put("write with session", `${H}/s1`, { values: [url(1)] }, { auth: { session: "s1" } }),
  { name: "read with session", path: `${H}/testuser`, auth: { session: "s1" } },
  {
    name: "list with session",
    path: "/api/handles?prefix={P}&pageSize=0",
    auth: { session: "s1" },
  },
  { name: "delete with session", method: "DELETE", path: `${H}/s1`, auth: { session: "s1" } },
  { name: "close session", method: "DELETE", path: "/api/sessions/this", auth: { session: "s1" } },
  { name: "state of closed session", path: "/api/sessions/this", auth: { session: "s1" } },
  put("write with closed session", `${H}/s2`, { values: [url(1)] }, { auth: { session: "s1" } }),
  { name: "read with closed session", path: `${H}/c5`, auth: { session: "s1" } },
  {
    name: "open, wrong password",
    method: "POST",
    path: "/api/sessions",
    auth: "basic-wrong",
    opens: "s2",
  },
  { name: "state of unverified session", path: "/api/sessions/this", auth: { session: "s2" } },
  put("write with unverified session", `${H}/s2`, { values: [url(1)] }, {
    auth: { session: "s2" },
  }),
  { name: "open anonymous", method: "POST", path: "/api/sessions", opens: "s3" },
  { name: "state of anonymous session", path: "/api/sessions/this", auth: { session: "s3" } },
  put("write with anonymous session", `${H}/s2`, { values: [url(1)] }, { auth: { session: "s3" } }),
  { name: "session plus Basic", path: "/api/sessions/this", auth: { sessionBasic: "s3" } },
  put("write with session plus Basic", `${H}/s2`, { values: [url(1)] }, {
    auth: { sessionBasic: "s3" },
  }),
  { name: "open, unencoded user", method: "POST", path: "/api/sessions", auth: "basic-raw" },
  {
    name: "open, unknown user",
    method: "POST",
    path: "/api/sessions",
    auth: "basic-unknown",
    opens: "s4",
  },
  { name: "state of unknown-user session", path: "/api/sessions/this", auth: { session: "s4" } },
  { name: "unknown session id", path: "/api/sessions/this", auth: { sessionId: "nosuchsession" } },
  put("write, unknown session id", `${H}/s2`, { values: [url(1)] }, {
    auth: { sessionId: "nosuchsession" },
  }),
  { name: "state without session", path: "/api/sessions/this" },
  { name: "close without session", method: "DELETE", path: "/api/sessions/this" },
  { name: "GET /api/sessions", path: "/api/sessions" },
  { name: "PUT /api/sessions", method: "PUT", path: "/api/sessions", body: {} },
  { name: "POST /api/sessions/this", method: "POST", path: "/api/sessions/this" },
  {
    name: "open with a body",
    method: "POST",
    path: "/api/sessions",
    auth: "basic",
    body: {},
    opens: "s5",
  },
  { name: "state of session with body", path: "/api/sessions/this", auth: { session: "s5" } },
  { name: "s2 was not written", path: `${H}/s2` },
];

/** Other methods and paths. */
const others: Step[] = [
  { name: "POST on a handle", method: "POST", path: `${H}/c5`, auth: "basic" },
  { name: "PATCH on a handle", method: "PATCH", path: `${H}/c5`, auth: "basic" },
  { name: "DELETE the listing", method: "DELETE", path: "/api/handles?prefix={P}", auth: "basic" },
  { name: "GET /api", path: "/api" },
  { name: "GET a handle without suffix", path: "/api/handles/{P}/" },
  put("PUT a handle without suffix", "/api/handles/{P}/", { values: [url(1)] }),
];

/** More edges: HTTP reads, encodings, various, methods. */
const edges: Step[] = [
  { name: "read over HTTP, wrong password", path: `${H}/c5`, auth: "basic-wrong", http: true },
  { name: "read over HTTP, session", path: `${H}/c5`, auth: { session: "s5" }, http: true },
  {
    name: "delete over HTTP, foreign prefix",
    method: "DELETE",
    path: "/api/handles/21.OTHER/x",
    auth: "basic",
    http: true,
  },
  put("write over HTTP, foreign prefix", "/api/handles/21.OTHER/x", { values: [url(1)] }, {
    http: true,
  }),
  put("write foreign prefix, no credentials", "/api/handles/21.OTHER/x", { values: [url(1)] }, {
    auth: "none",
  }),
  put("write foreign prefix, wrong password", "/api/handles/21.OTHER/x", { values: [url(1)] }, {
    auth: "basic-wrong",
  }),
  put("write foreign prefix, text/plain", "/api/handles/21.OTHER/x", { values: [url(1)] }, {
    contentType: "text/plain",
  }),
  {
    name: "delete foreign prefix, no credentials",
    method: "DELETE",
    path: "/api/handles/21.OTHER/x",
  },
  put("bad JSON, no credentials", `${H}/z1`, "{nope", { auth: "none" }),
  put("bad JSON over HTTP", `${H}/z1`, "{nope", { http: true }),
  put("index 0, no credentials", `${H}/z1`, { values: [text(0, "A", "a")] }, { auth: "none" }),
  put("text/plain, no credentials", `${H}/z1`, { values: [url(1)] }, {
    auth: "none",
    contentType: "text/plain",
  }),
  put("text/plain over HTTP", `${H}/z1`, { values: [url(1)] }, {
    http: true,
    contentType: "text/plain",
  }),
  put("bad JSON, foreign prefix", "/api/handles/21.OTHER/x", "{nope"),
  put("overwrite=false on existing, no credentials", `${H}/c5?overwrite=false`, {
    values: [url(1)],
  }, { auth: "none" }),
  { name: "HEAD a missing handle", method: "HEAD", path: `${H}/absent` },
  { name: "OPTIONS the listing", method: "OPTIONS", path: "/api/handles?prefix={P}" },
  put("various, all new", `${H}/v0?index=various`, { values: [url(1)] }),
  {
    name: "close session over HTTP",
    method: "DELETE",
    path: "/api/sessions/this",
    auth: { session: "s5" },
    http: true,
  },
  put("suffix with an encoded slash", `${H}/x%2Fy`, { values: [url(1)] }),
  { name: "read encoded slash as a plain slash", path: `${H}/x/y` },
  put("non-ASCII suffix", `${H}/%C3%9Cber`, { values: [url(1)] }),
  { name: "read non-ASCII suffix", path: `${H}/%C3%9Cber` },
  { name: "read non-ASCII suffix in lower case", path: `${H}/%C3%BCber` },
  put("various on an absent handle", `${H}/v1?index=various`, { values: [url(1)] }),
  put("create v2", `${H}/v2`, { values: [url(1), admin] }),
  put("various clash with overwrite=false", `${H}/v2?index=various&overwrite=false`, {
    values: [url(2)],
  }),
  put("various replace", `${H}/v2?index=various`, { values: [url(3), text(5, "E", "e")] }),
  { name: "read after various", path: `${H}/v2` },
  put("index param 0", `${H}/v2?index=0`, { values: [text(0, "Z", "z")] }),
  put("index param with spaces", `${H}/v2?index=%201`, { values: [url(4)] }),
  { name: "read ?type=HS_ADMIN of own handle", path: `${H}/testuser?type=HS_ADMIN` },
  {
    name: "read ?type=HS_SECKEY of own handle, authenticated",
    path: `${H}/testuser?type=HS_SECKEY`,
    auth: "basic",
  },
  {
    name: "read ?index=300 of own handle, session",
    path: `${H}/testuser?index=300`,
    auth: { session: "s5" },
  },
  { name: "HEAD a handle", method: "HEAD", path: `${H}/v2` },
  { name: "OPTIONS a handle", method: "OPTIONS", path: `${H}/v2` },
  { name: "DELETE /api/sessions", method: "DELETE", path: "/api/sessions" },
  {
    name: "list pageSize=1 page=2",
    path: "/api/handles?prefix={P}&page=2&pageSize=1",
    auth: "basic",
  },
  {
    name: "list pageSize=1000",
    path: "/api/handles?prefix={P}&page=0&pageSize=1000",
    auth: { session: "s5" },
  },
  {
    name: "list, prefix with a slash and suffix",
    path: "/api/handles?prefix={P}/x",
    auth: "basic",
  },
  { name: "list, unknown session", path: "/api/handles?prefix={P}", auth: { sessionId: "nosuch" } },
  {
    name: "delete v2 with unknown session",
    method: "DELETE",
    path: `${H}/v2`,
    auth: { sessionId: "nosuch" },
  },
  put("empty index param", `${H}/v2?index=`, { values: [url(4)] }),
  put("overwrite empty", `${H}/v2?overwrite=`, { values: [url(4)] }),
  { name: "read after edges", path: `${H}/v2` },
];

/** The whole corpus, in order. */
export const CORPUS: readonly Step[] = [
  ...reads,
  ...records,
  ...malformed,
  ...contentTypes,
  ...indexes,
  ...credentials,
  ...plainHttp,
  ...listing,
  ...sessions,
  ...others,
  ...edges,
];
