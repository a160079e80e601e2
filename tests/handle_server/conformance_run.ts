/**
 * Sends the conformance corpus to one server and normalises its answers, so that the
 * answers of a real Handle.Net server and of handle-server can be compared.
 *
 * @module
 */

import { sendRaw } from "../support/raw_http.ts";
import type { Step, StepAuth } from "./conformance_corpus.ts";

/** A server under test: one port speaking HTTPS (and plain HTTP, when it does). */
export interface Target {
  /** The port on 127.0.0.1. */
  port: number;
  /** The served prefix. */
  prefix: string;
  /** The admin user's suffix and password. */
  user: string;
  /** The admin user's password. */
  password: string;
}

/** One normalised answer. */
export interface Normalised {
  /** HTTP status. */
  status: number;
  /** The body after normalisation, as text. */
  body: string;
  /** The Content-Type, lower case, without spaces. */
  contentType: string | undefined;
}

/** Runs a corpus in order against one target; answers in the corpus's order. */
export async function runCorpus(target: Target, corpus: readonly Step[]): Promise<Normalised[]> {
  const sessions = new Map<string, string>();
  const answers: Normalised[] = [];
  for (const step of corpus) {
    const fill = (text: string): string =>
      text.replaceAll("{P}", target.prefix).replaceAll("{p}", target.prefix.toLowerCase());
    const headers: Record<string, string> = {};
    const authorization = authHeader(step.auth ?? "none", target, sessions);
    if (authorization !== undefined) headers.authorization = authorization;
    let body: string | undefined;
    if (step.body !== undefined) {
      body = fill(
        typeof step.body === "string"
          ? step.body
          : JSON.stringify(step.body).replace(/"__RAW__([^"]*)"/g, "$1"),
      );
      const type = step.contentType === undefined ? "application/json" : step.contentType;
      if (type !== null) headers["content-type"] = type;
    }
    const answer = await sendRaw({
      scheme: step.http ? "http" : "https",
      port: target.port,
      method: step.method ?? "GET",
      path: fill(step.path),
      headers,
      body,
    });
    if (step.opens !== undefined) {
      const id = tryJson(answer.body)?.sessionId;
      if (typeof id === "string") sessions.set(step.opens, id);
    }
    answers.push({
      status: answer.status,
      body: normalise(answer.body),
      contentType: answer.contentType?.toLowerCase().replace(/\s+/g, ""),
    });
  }
  return answers;
}

function authHeader(
  auth: StepAuth,
  target: Target,
  sessions: Map<string, string>,
): string | undefined {
  const user = `300:${target.prefix}/${target.user}`;
  const basic = (text: string): string => `Basic ${btoa(text)}`;
  const encoded = basic(`${encodeURIComponent(user)}:${target.password}`);
  if (typeof auth === "object") {
    if ("sessionId" in auth) return `Handle sessionId="${auth.sessionId}"`;
    const name = "session" in auth ? auth.session : auth.sessionBasic;
    const header = `Handle sessionId="${sessions.get(name) ?? "unopened"}"`;
    return "session" in auth ? header : `${header}, ${encoded}`;
  }
  switch (auth) {
    case "none":
      return undefined;
    case "basic":
      return encoded;
    case "basic-partial":
      return basic(`300%3A${target.prefix}/${target.user}:${target.password}`);
    case "basic-raw":
      return basic(`${user}:${target.password}`);
    case "basic-wrong":
      return basic(`${encodeURIComponent(user)}:not-${target.password}`);
    case "basic-unknown":
      return basic(`${encodeURIComponent(`300:${target.prefix}/nobody`)}:${target.password}`);
    case "basic-other-index":
      return basic(
        `${encodeURIComponent(`301:${target.prefix}/${target.user}`)}:${target.password}`,
      );
    case "basic-garbage":
      return "Basic !!not*base64!!";
    case "bearer":
      return "Bearer abc.def.ghi";
  }
}

function tryJson(text: string): Record<string, unknown> | undefined {
  try {
    const parsed = JSON.parse(text);
    return parsed !== null && typeof parsed === "object" ? parsed : undefined;
  } catch {
    return undefined;
  }
}

/**
 * The body with what legitimately differs between two servers replaced: timestamps,
 * session ids and nonces, and the detail text of a Java exception (only the chain of
 * exception class names is kept; see `STAND_IN_DIFFERENCES`).
 */
export function normalise(text: string): string {
  const parsed = tryJson(text);
  if (parsed === undefined) return text;
  return JSON.stringify(parsed, (key, value) => {
    if (key === "timestamp" && typeof value === "string") return "<timestamp>";
    if ((key === "sessionId" || key === "nonce") && typeof value === "string") return `<${key}>`;
    if (key === "message" && typeof value === "string") return javaClasses(value);
    return value;
  });
}

function javaClasses(message: string): string {
  const classes = message.match(/\b(?:[a-z][a-z0-9_]*\.)+[A-Z]\w*(?:Exception|Error)\b/g);
  return classes === null ? message : `<${classes.join(": ")}>`;
}
