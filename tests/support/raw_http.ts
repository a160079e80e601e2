/**
 * Raw HTTP(S) requests for conformance tests: any method, header and body, sent as given,
 * over HTTPS without certificate checks (self-signed test servers only) or plain HTTP.
 *
 * @module
 */

import { request as httpRequest } from "node:http";
import { request as httpsRequest } from "node:https";

/** One request as sent. */
export interface RawRequest {
  /** "https" or "http". */
  scheme: "https" | "http";
  /** The port on 127.0.0.1. */
  port: number;
  /** The method. */
  method: string;
  /** Path and query, already encoded. */
  path: string;
  /** Headers, sent as given. */
  headers?: Record<string, string>;
  /** The body text. */
  body?: string;
}

/** An answer. */
export interface RawAnswer {
  /** The HTTP status. */
  status: number;
  /** The body text. */
  body: string;
  /** The Content-Type header, if any. */
  contentType: string | undefined;
}

/** Sends one request and reads the whole answer. */
export function sendRaw(request: RawRequest): Promise<RawAnswer> {
  return new Promise((resolve, reject) => {
    const send = request.scheme === "https" ? httpsRequest : httpRequest;
    const req = send({
      host: "127.0.0.1",
      port: request.port,
      method: request.method,
      path: request.path,
      headers: { connection: "close", ...request.headers },
      rejectUnauthorized: false,
    }, (res) => {
      let body = "";
      res.setEncoding("utf8");
      res.on("data", (chunk: string) => body += chunk);
      res.on("end", () =>
        resolve({
          status: res.statusCode ?? 0,
          body,
          contentType: res.headers["content-type"],
        }));
      res.on("error", reject);
    });
    req.on("error", reject);
    req.end(request.body);
  });
}
