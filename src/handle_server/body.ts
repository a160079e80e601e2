/**
 * The body of a PUT, read as the Handle.Net server reads it: only `application/json`
 * (other types are 400/4 "Unsupported media type"), decoded in the charset the
 * Content-Type names or else ISO-8859-1 (the servlet default), parsed by Gson's lenient
 * reader, and its values by the Handle.Net codec. Unreadable bodies are answered 400 with
 * responseCode 4 and the Java exception's name, as the real server does.
 *
 * @module
 */

import { HttpError, indexConflict, javaError, ResponseCode } from "./http.ts";
import { JsonSyntaxError, parseLenientJson } from "./lenient_json.ts";
import { isJsonObject } from "./gson.ts";
import { InvalidValueError, parseValues } from "./values.ts";
import type { HandleValue } from "./values.ts";

const INVALID = "java.lang.Exception: Invalid JSON in PUT request";

/**
 * The values of a PUT request's body, sorted by index.
 *
 * @throws {HttpError} 400/4 for a wrong Content-Type or an unreadable body or value,
 *   409/201 for an index given twice.
 */
export async function readBody(
  request: Request,
  options: { now: Date; handle: string },
): Promise<HandleValue[]> {
  const { now, handle } = options;
  const type = request.headers.get("content-type");
  const media = type?.split(";")[0].trim().toLowerCase();
  if (media !== "application/json") {
    throw javaError(400, `java.lang.Exception: Unsupported media type ${type}`);
  }
  const charset = /;\s*charset\s*=\s*"?([^";\s]+)/i.exec(type ?? "")?.[1] ?? "ISO-8859-1";
  const bytes = new Uint8Array(await request.arrayBuffer());
  const text = decode(bytes, charset);
  let body: unknown;
  try {
    body = parseLenientJson(text);
  } catch (error) {
    if (error instanceof JsonSyntaxError) {
      throw javaError(
        400,
        `com.google.gson.JsonSyntaxException: ${error.javaClass}: ${error.message}`,
      );
    }
    throw error;
  }
  let items: unknown[];
  if (Array.isArray(body)) {
    items = body;
  } else if (isJsonObject(body) && body.values !== undefined && body.values !== null) {
    if (!Array.isArray(body.values)) {
      throw javaError(
        400,
        "com.google.gson.JsonSyntaxException: java.lang.IllegalStateException: " +
          "Expected an array for values",
      );
    }
    items = body.values;
  } else if (isJsonObject(body) && body.index !== undefined) {
    items = [body];
  } else {
    throw javaError(400, INVALID);
  }
  try {
    return parseValues(items, now);
  } catch (error) {
    if (error instanceof InvalidValueError) {
      if (error.duplicateIndex !== undefined) throw indexConflict(error.duplicateIndex, handle);
      throw javaError(
        400,
        `com.google.gson.JsonParseException: ${error.javaClass}: ${error.message}`,
      );
    }
    if (error instanceof HttpError) throw error;
    throw new HttpError(500, ResponseCode.ERROR, String(error));
  }
}

function decode(bytes: Uint8Array, charset: string): string {
  const name = charset.toLowerCase();
  if (name === "iso-8859-1" || name === "latin1" || name === "us-ascii") {
    let text = "";
    for (let i = 0; i < bytes.length; i += 8192) {
      text += String.fromCharCode(...bytes.subarray(i, i + 8192));
    }
    return text;
  }
  try {
    return new TextDecoder(name).decode(bytes);
  } catch {
    throw javaError(400, `java.io.UnsupportedEncodingException: ${charset}`);
  }
}
