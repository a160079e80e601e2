/** Publish receipts: what `publish` writes, `--resume` reads back; torn lines are no receipt. */

import assert from "node:assert/strict";
import { join } from "node:path";
import {
  parseReceiptLine,
  publishedHandles,
  receiptKey,
  receiptLine,
} from "../../src/publish/mod.ts";

Deno.test("receipt line round trip, and publishedHandles reads the receipts of a folder", async () => {
  const receipt = {
    handle: "21.T/a",
    result: "replaced" as const,
    server: "https://127.0.0.1:8000",
    time: "2026-01-16T10:00:00.000Z",
  };
  const line = receiptLine(receipt);
  assert.ok(line.endsWith("\n") && !line.slice(0, -1).includes("\n"));
  assert.deepEqual(parseReceiptLine(line), receipt);
  assert.equal(parseReceiptLine(line.slice(0, 20)), undefined);
  assert.equal(parseReceiptLine('{"handle":"21.T/a"}'), undefined);

  const dir = await Deno.makeTempDir();
  try {
    const other = receiptLine({ ...receipt, handle: "21.T/b", result: "created" });
    await Deno.writeTextFile(join(dir, "published_x.jsonl"), line + other + other.slice(0, 10));
    await Deno.writeTextFile(join(dir, "notes.txt"), line.replace("21.T/a", "21.T/c"));
    assert.deepEqual(
      await publishedHandles(dir),
      new Set([receiptKey(receipt.server, "21.T/a"), receiptKey(receipt.server, "21.T/b")]),
    );
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});
