/**
 * The ceiling of a Handle server for `bench/real_handle.ts`: a bare concurrent client, no
 * pipeline. One session (`POST /api/sessions` with Basic credentials), then `concurrency`
 * workers each sending `PUT /api/handles/…?overwrite=true` one after the other over its own
 * keep-alive HTTPS connection (`node:https`, the self-signed certificate accepted), until
 * the prepared bodies are used up. `http1Ceiling` does the same over our own HTTP/1.1
 * transport (`src/tls/http1.ts`, the pinned certificate).
 *
 * Run as a script it measures once in a fresh process, as ours runs (cold JIT, login
 * included): `deno run -A bench/handle_ceiling.ts JOB.json`, where the JSON file holds
 * `{server: {url, username, password, pin}, records, prefix, tag, concurrency, transport}`
 * (`transport`: "node" or "http1"); it prints `{"rate": handles/s}`.
 *
 * @module
 */

import { Agent, request } from "node:https";
import { Http1Client } from "../src/tls/http1.ts";
import { type HandleRecord, toHandleValues } from "../src/records/mod.ts";
import { basicAuth, handlePath } from "../src/register/mod.ts";

/** A prepared write: the URL path and its JSON body. */
export interface PreparedPut {
  path: string;
  body: string;
}

/** The PUTs of some records, each handle's suffix ending in `tag` (fresh handles per run). */
export function preparePuts(
  records: HandleRecord[],
  options: { prefix: string; tag: string },
): PreparedPut[] {
  return records.map((record) => {
    const handle = `${record.handle}${options.tag}`;
    const values = toHandleValues({ ...record, handle }, { prefix: options.prefix });
    return { path: `${handlePath(handle)}?overwrite=true`, body: JSON.stringify({ values }) };
  });
}

interface Answer {
  status: number;
  text: string;
}

function send(
  agent: Agent,
  base: URL,
  options: { method: string; path: string; headers: Record<string, string>; body?: string },
): Promise<Answer> {
  return new Promise((resolve, reject) => {
    const req = request({
      agent,
      host: base.hostname,
      port: Number(base.port),
      method: options.method,
      path: options.path,
      headers: options.body === undefined ? options.headers : {
        ...options.headers,
        "Content-Length": String(new TextEncoder().encode(options.body).length),
      },
      rejectUnauthorized: false,
    }, (res) => {
      let text = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => text += chunk);
      res.on("end", () => resolve({ status: res.statusCode ?? 0, text }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(options.body);
  });
}

/**
 * The same with the HTTP/1.1 client our pinned profiles use (`src/tls/http1.ts`), without
 * the pipeline: what the transport alone reaches.
 */
export async function http1Ceiling(
  server: { url: string; username: string; password: string; pin: string },
  puts: PreparedPut[],
  options: { concurrency: number },
): Promise<number> {
  const client = new Http1Client({ pin: server.pin });
  // the clock runs from before the login, as ours runs from its start (login included)
  const started = performance.now();
  try {
    const opened = await client.fetch(`${server.url}/api/sessions`, {
      method: "POST",
      headers: { Authorization: basicAuth(server.username, server.password) },
    });
    const text = await opened.text();
    const sessionId = (JSON.parse(text) as { sessionId?: string }).sessionId;
    if (!opened.ok || !sessionId) {
      throw new Error(`POST /api/sessions: HTTP ${opened.status} ${text.slice(0, 100)}`);
    }
    const headers = {
      Authorization: `Handle sessionId="${sessionId}"`,
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < puts.length) {
        const put = puts[next++];
        const answer = await client.request(`${server.url}${put.path}`, {
          method: "PUT",
          headers,
          body: put.body,
        });
        if (answer.status !== 200 && answer.status !== 201) {
          throw new Error(`PUT ${put.path}: HTTP ${answer.status} ${answer.text.slice(0, 100)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return puts.length / ((performance.now() - started) / 1000);
  } finally {
    client.close();
  }
}

/**
 * Sends every PUT with `concurrency` workers in one session; resolves to handles per second.
 *
 * @throws {Error} when the session cannot be opened or a PUT is not answered 200/201.
 */
export async function bareCeiling(
  server: { url: string; username: string; password: string },
  puts: PreparedPut[],
  options: { concurrency: number },
): Promise<number> {
  const base = new URL(server.url);
  const agent = new Agent({ keepAlive: true, maxSockets: options.concurrency });
  // the clock runs from before the login, as ours runs from its start (login included)
  const started = performance.now();
  try {
    const opened = await send(agent, base, {
      method: "POST",
      path: "/api/sessions",
      headers: { Authorization: basicAuth(server.username, server.password) },
    });
    const sessionId = (JSON.parse(opened.text) as { sessionId?: string }).sessionId;
    if (opened.status !== 200 && opened.status !== 201 || !sessionId) {
      throw new Error(`POST /api/sessions: HTTP ${opened.status} ${opened.text.slice(0, 100)}`);
    }
    const headers = {
      Authorization: `Handle sessionId="${sessionId}"`,
      "Content-Type": "application/json",
      Accept: "application/json",
    };
    let next = 0;
    const worker = async (): Promise<void> => {
      while (next < puts.length) {
        const put = puts[next++];
        const answer = await send(agent, base, {
          method: "PUT",
          path: put.path,
          headers,
          body: put.body,
        });
        if (answer.status !== 200 && answer.status !== 201) {
          throw new Error(`PUT ${put.path}: HTTP ${answer.status} ${answer.text.slice(0, 100)}`);
        }
      }
    };
    await Promise.all(Array.from({ length: options.concurrency }, worker));
    return puts.length / ((performance.now() - started) / 1000);
  } finally {
    agent.destroy();
  }
}

/** What the script mode reads: one measurement. */
export interface CeilingJob {
  server: { url: string; username: string; password: string; pin: string };
  /** A file of records as `map --dry-run` writes them. */
  records: string;
  prefix: string;
  tag: string;
  concurrency: number;
  transport: "node" | "http1";
}

if (import.meta.main) {
  const job = JSON.parse(await Deno.readTextFile(Deno.args[0])) as CeilingJob;
  const records = (await Deno.readTextFile(job.records)).trim().split("\n").map((line) =>
    JSON.parse(line) as HandleRecord
  );
  const puts = preparePuts(records, { prefix: job.prefix, tag: job.tag });
  const measure = job.transport === "node" ? bareCeiling : http1Ceiling;
  const rate = await measure(job.server, puts, { concurrency: job.concurrency });
  console.log(JSON.stringify({ rate }));
}
