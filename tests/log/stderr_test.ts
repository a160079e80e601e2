/**
 * Standard error in the log format: text as is, or every line a JSON record; a log file
 * that cannot be written.
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import process from "node:process";
import { getLogger } from "@logtape/logtape";
import { ConfigurationError } from "../../src/errors/mod.ts";
import {
  setStderrFormat,
  setStderrSink,
  setupLogging,
  writeStderrLine,
  writeStderrText,
} from "../../src/log/mod.ts";

Deno.test("json: every line is a record (status redraws, escapes, process warnings); text: as is", () => {
  const out: string[] = [];
  const previous = setStderrSink((text) => out.push(text));
  try {
    setStderrFormat("text");
    writeStderrLine("plain");
    writeStderrText("\r\x1b[2Kstatus\n");
    assert.deepEqual(out.splice(0), ["plain\n", "\r\x1b[2Kstatus\n"]);

    setStderrFormat("json");
    writeStderrLine("one line", "WARN");
    writeStderrText("\r\x1b[2Kfirst\rsecond\n\nsummary: messages=1\n", "INFO");
    process.emitWarning("-1 is a negative number", "TimeoutNegativeWarning");
    const records = out.join("").trim().split("\n").map((line) => JSON.parse(line));
    assert.deepEqual(records.map((r) => [r.level, r.message]), [
      ["WARN", "one line"],
      ["INFO", "first"],
      ["INFO", "second"],
      ["INFO", "summary: messages=1"],
      ["WARN", "TimeoutNegativeWarning: -1 is a negative number"],
    ]);
    for (const record of records) assert.equal(typeof record["@timestamp"], "string");
  } finally {
    setStderrFormat("text");
    setStderrSink(previous);
  }
});

Deno.test("a log file that cannot be written: at setup a configuration error; later, said once", async () => {
  const dir = await Deno.makeTempDir();
  const out: string[] = [];
  const previous = setStderrSink((text) => out.push(text));
  try {
    await assert.rejects(
      setupLogging({ logFile: join(dir, "missing", "x.log"), console: () => {} }),
      (error: Error) =>
        error instanceof ConfigurationError && /x\.log cannot be written/.test(error.message),
    );
    await Deno.mkdir(join(dir, "sub"));
    const handle = await setupLogging({ logFile: join(dir, "sub", "x.log"), console: () => {} });
    await Deno.remove(join(dir, "sub"), { recursive: true });
    handle.reopen(); // as on SIGHUP: the next record opens the file again, which fails
    const log = getLogger(["piddiplatsch", "test"]);
    for (let i = 0; i < 3; i++) log.error("record {i}", { i });
    await handle.close();
    assert.equal(out.length, 1, out.join(""));
    assert.match(out[0], /log file .*x\.log: .*records are lost until it is reopened/);
  } finally {
    setStderrSink(previous);
    await Deno.remove(dir, { recursive: true });
  }
});
