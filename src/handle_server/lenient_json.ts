/**
 * JSON read as the Handle.Net server reads a request body: Gson's lenient reader. Besides
 * strict JSON it takes comments (`//`, `#`, `/* *\/`), single-quoted and unquoted strings
 * and names, `=` or `=>` between name and value, and `;` between elements. Numbers keep
 * their literal text ({@linkcode JsonNumber}); a later duplicate name wins.
 *
 * @module
 */

import { JsonNumber } from "./gson.ts";

/** A body Gson cannot read; `javaClass` is the exception it throws. */
export class JsonSyntaxError extends Error {
  /** `java.io.EOFException` (the text ends early) or Gson's `MalformedJsonException`. */
  readonly javaClass: string;

  /** Creates the error. */
  constructor(reason: string, javaClass: string) {
    super(reason);
    this.name = "JsonSyntaxError";
    this.javaClass = javaClass;
  }
}

const MALFORMED = "com.google.gson.stream.MalformedJsonException";
const EOF = "java.io.EOFException";
const LITERAL_END = new Set([..."/\\;#={}[]:,", " ", "\t", "\f", "\r", "\n"]);
const NUMBER = /^-?(?:0|[1-9][0-9]*)(?:\.[0-9]+)?(?:[eE][+-]?[0-9]+)?$/;

/**
 * Parses a body; undefined when it holds nothing but white space and comments.
 *
 * @throws {JsonSyntaxError} when Gson would refuse it.
 */
export function parseLenientJson(text: string): unknown {
  const reader = new Reader(text);
  if (reader.peek() === undefined) return undefined;
  const value = reader.value();
  if (reader.peek() !== undefined) {
    throw new JsonSyntaxError(`unexpected text at ${reader.at}`, MALFORMED);
  }
  return value;
}

class Reader {
  at = 0;
  readonly #text: string;

  constructor(text: string) {
    this.#text = text;
  }

  /** The next significant character, after white space and comments; undefined at the end. */
  peek(): string | undefined {
    const text = this.#text;
    while (this.at < text.length) {
      const c = text[this.at];
      if (c === " " || c === "\t" || c === "\n" || c === "\r") {
        this.at++;
      } else if (c === "#" || (c === "/" && text[this.at + 1] === "/")) {
        const end = text.indexOf("\n", this.at);
        this.at = end < 0 ? text.length : end + 1;
      } else if (c === "/" && text[this.at + 1] === "*") {
        const end = text.indexOf("*/", this.at + 2);
        if (end < 0) throw new JsonSyntaxError("unterminated comment", MALFORMED);
        this.at = end + 2;
      } else {
        return c;
      }
    }
    return undefined;
  }

  #next(): string {
    const c = this.peek();
    if (c === undefined) throw new JsonSyntaxError("end of input", EOF);
    this.at++;
    return c;
  }

  value(): unknown {
    const c = this.peek();
    if (c === undefined) throw new JsonSyntaxError("end of input", EOF);
    if (c === "{") return this.#object();
    if (c === "[") return this.#array();
    if (c === '"' || c === "'") {
      this.at++;
      return this.#quoted(c);
    }
    const literal = this.#literal();
    if (literal === "") throw new JsonSyntaxError(`unexpected ${c} at ${this.at}`, MALFORMED);
    if (/^(true|TRUE)$/.test(literal)) return true;
    if (/^(false|FALSE)$/.test(literal)) return false;
    if (/^(null|NULL)$/.test(literal)) return null;
    return NUMBER.test(literal) ? new JsonNumber(literal) : literal;
  }

  #object(): Record<string, unknown> {
    this.at++;
    const object: Record<string, unknown> = {};
    if (this.peek() === "}") {
      this.at++;
      return object;
    }
    while (true) {
      const c = this.#next();
      let name: string;
      if (c === '"' || c === "'") {
        name = this.#quoted(c);
      } else {
        this.at--;
        name = this.#literal();
        if (name === "") throw new JsonSyntaxError("expected name", MALFORMED);
      }
      const separator = this.#next();
      if (separator === "=") {
        if (this.#text[this.at] === ">") this.at++;
      } else if (separator !== ":") {
        throw new JsonSyntaxError("expected ':'", MALFORMED);
      }
      Object.defineProperty(object, name, {
        value: this.value(),
        enumerable: true,
        writable: true,
        configurable: true,
      });
      const after = this.#next();
      if (after === "}") return object;
      if (after !== "," && after !== ";") {
        throw new JsonSyntaxError("unterminated object", MALFORMED);
      }
      const following = this.peek();
      if (following === "}" || following === undefined) {
        if (following === undefined) throw new JsonSyntaxError("end of input", EOF);
        throw new JsonSyntaxError("expected name", MALFORMED);
      }
    }
  }

  #array(): unknown[] {
    this.at++;
    const array: unknown[] = [];
    if (this.peek() === "]") {
      this.at++;
      return array;
    }
    while (true) {
      array.push(this.value());
      const after = this.#next();
      if (after === "]") return array;
      if (after !== "," && after !== ";") {
        throw new JsonSyntaxError("unterminated array", MALFORMED);
      }
    }
  }

  #quoted(quote: string): string {
    const text = this.#text;
    let out = "";
    while (true) {
      if (this.at >= text.length) throw new JsonSyntaxError("unterminated string", EOF);
      const c = text[this.at++];
      if (c === quote) return out;
      if (c !== "\\") {
        out += c;
        continue;
      }
      if (this.at >= text.length) throw new JsonSyntaxError("unterminated escape", EOF);
      const e = text[this.at++];
      const simple: Record<string, string> = {
        '"': '"',
        "'": "'",
        "\\": "\\",
        "/": "/",
        b: "\b",
        f: "\f",
        n: "\n",
        r: "\r",
        t: "\t",
        "\n": "\n",
      };
      if (e in simple) {
        out += simple[e];
      } else if (e === "u") {
        const hex = text.slice(this.at, this.at + 4);
        if (hex.length < 4) throw new JsonSyntaxError("unterminated escape", EOF);
        if (!/^[0-9a-fA-F]{4}$/.test(hex)) throw new JsonSyntaxError("bad \\u escape", MALFORMED);
        out += String.fromCharCode(parseInt(hex, 16));
        this.at += 4;
      } else {
        throw new JsonSyntaxError("invalid escape sequence", MALFORMED);
      }
    }
  }

  #literal(): string {
    const start = this.at;
    while (this.at < this.#text.length && !LITERAL_END.has(this.#text[this.at])) this.at++;
    return this.#text.slice(start, this.at);
  }
}
