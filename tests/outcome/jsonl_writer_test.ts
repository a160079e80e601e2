/**
 * A write that fails leaves no torn line: on a full file system (a small tmpfs, mounted
 * when the tests run as root) a batch that fits only in part is cut back off the file,
 * the error names the path, and the next write after space is freed appends whole lines.
 * Without root, a read-only folder stands in (the error names it; nothing is written).
 */

import assert from "node:assert/strict";
import { join } from "node:path";
import { DailyJsonlWriter, OutputWriteError } from "../../src/outcome/mod.ts";
import { outputFault } from "../../src/pipeline/mod.ts";
import { fill, mountTmpfs } from "./tmpfs.ts";

const now = (): Date => new Date("2025-03-14T10:00:00Z");

Deno.test("DailyJsonlWriter: a write that does not fit is cut back (no torn line), named, and goes through once there is room", async () => {
  const tmpfs = await mountTmpfs("64k");
  if (tmpfs === undefined) {
    console.log("not root or no mount: the read-only variant only");
    return;
  }
  const writer = new DailyJsonlWriter(join(tmpfs.dir, "failures"), "failed_items", { now });
  try {
    await writer.append({ n: 0 });
    const filler = await fill(tmpfs.dir);
    // Room for part of the next batch only: a page freed.
    await Deno.truncate(filler, (await Deno.stat(filler)).size - 4096);
    const big = "x".repeat(5000);
    const error = await writer.append({ n: 1, big }, { n: 2, big }).catch((e) => e);
    assert.ok(error instanceof OutputWriteError, String(error));
    assert.match(error.message, /failed_items_2025-03-14\.jsonl: No space left on device/);
    assert.ok(outputFault(error), "the pipeline takes it for an output fault");
    const path = writer.pathFor();
    const text = await Deno.readTextFile(path);
    assert.ok(text.endsWith("\n"), "no torn line after the failed write");
    assert.deepEqual(text.trim().split("\n").map((l) => JSON.parse(l).n), [0]);
    await Deno.remove(filler);
    await writer.append({ n: 1, big }, { n: 2, big });
    const after = (await Deno.readTextFile(path)).trim().split("\n").map((l) => JSON.parse(l).n);
    assert.deepEqual(after, [0, 1, 2]);
  } finally {
    await writer.close();
    await tmpfs.unmount();
  }
});

Deno.test("DailyJsonlWriter: a read-only folder gives an OutputWriteError naming it, nothing written", async () => {
  // As root: a read-only tmpfs (root writes through any file mode); else a folder without write permission.
  const tmpfs = await mountTmpfs("64k", { readOnly: true });
  const dir = tmpfs?.dir ?? await Deno.makeTempDir();
  if (tmpfs === undefined) await Deno.chmod(dir, 0o500);
  const writer = new DailyJsonlWriter(join(dir, "failures"), "failed_items", { now });
  try {
    const error = await writer.append({ n: 1 }).catch((e) => e);
    assert.ok(error instanceof OutputWriteError, String(error));
    assert.ok(error.message.includes(join(dir, "failures")), error.message);
    assert.match(error.message, /Read-only file system|Permission denied/);
    assert.ok(outputFault(error));
  } finally {
    await writer.close();
    if (tmpfs) await tmpfs.unmount();
    else {
      await Deno.chmod(dir, 0o700);
      await Deno.remove(dir, { recursive: true });
    }
  }
});
