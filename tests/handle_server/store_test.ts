import assert from "node:assert/strict";
import { HandleStore } from "../../src/handle_server/store.ts";
import type { HandleValue } from "../../src/handle_server/values.ts";

function value(index: number, text: string): HandleValue {
  return {
    index,
    type: "URL",
    data: { format: "string", value: text },
    ttl: 86400,
    timestamp: "2024-01-01T00:00:00.000Z",
  };
}

Deno.test("HandleStore coalesces concurrent writes and replays them after reopening", async () => {
  const dir = await Deno.makeTempDir();
  const dataFile = `${dir}/store.log`;
  try {
    const store = await HandleStore.open({ dataFile });
    await Promise.all(
      Array.from({ length: 200 }, (_, i) => store.set(`21.T/${i}`, [value(1, `${i}`)])),
    );
    assert.equal(await store.delete("21.T/0"), true);
    assert.equal(await store.delete("21.T/0"), false);
    const lines = (await Deno.readTextFile(dataFile)).split("\n").filter((l) => l !== "");
    assert.equal(lines.length, 201);
    await store.close();
    assert.throws(() => store.set("21.T/x", []));
    const compacted = (await Deno.readTextFile(dataFile)).split("\n").filter((l) => l !== "");
    assert.equal(compacted.length, 199);
    const again = await HandleStore.open({ dataFile });
    assert.equal(again.size, 199);
    assert.deepEqual(again.get("21.T/5"), [value(1, "5")]);
    assert.equal(again.get("21.T/0"), undefined);
    await again.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HandleStore skips a torn log line", async () => {
  const dir = await Deno.makeTempDir();
  const dataFile = `${dir}/store.log`;
  try {
    const good = JSON.stringify({ h: "21.T/a", v: [value(1, "a")] });
    await Deno.writeTextFile(dataFile, `${good}\n{"h":"21.T/b","v":[{"ind\n`);
    const store = await HandleStore.open({ dataFile });
    assert.equal(store.size, 1);
    assert.ok(store.has("21.T/a"));
    await store.close();
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("HandleStore without a data file lives in memory", async () => {
  const store = await HandleStore.open();
  await store.set("21.T/m", [value(1, "m")]);
  assert.equal(store.size, 1);
  await store.flush();
  await store.close();
});
