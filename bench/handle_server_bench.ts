/**
 * PUT throughput of the in-process handle server: 200 PUTs per iteration, 16 at a time,
 * with and without a durable data file.
 *
 * @module
 */

import { startHandleServer } from "../src/handle_server/mod.ts";
import type { HandleServer } from "../src/handle_server/mod.ts";

const PREFIX = "21.TEST";
const USER = "300:21.TEST/benchuser";
const PASSWORD = "bench";
const AUTH = `Basic ${btoa(`300%3A21.TEST%2Fbenchuser:${PASSWORD}`)}`;
const PUTS = 200;
const CONCURRENCY = 16;

let run = 0;

async function putMany(server: HandleServer): Promise<void> {
  const batch = run++;
  let next = 0;
  async function worker(): Promise<void> {
    while (next < PUTS) {
      const i = next++;
      const body = JSON.stringify({
        values: [
          { index: 1, type: "URL", data: { format: "string", value: `https://bench/${i}` } },
          {
            index: 100,
            type: "HS_ADMIN",
            data: {
              format: "admin",
              value: { handle: `0.NA/${PREFIX}`, index: 200, permissions: "011111110011" },
            },
          },
        ],
      });
      const response = await fetch(
        `${server.url}/api/handles/${PREFIX}/b${batch}-${i}?overwrite=true`,
        { method: "PUT", headers: { authorization: AUTH }, body },
      );
      await response.body?.cancel();
      if (response.status !== 201) throw new Error(`PUT gave ${response.status}`);
    }
  }
  await Promise.all(Array.from({ length: CONCURRENCY }, worker));
}

Deno.bench({
  name: "handle-server: 200 PUTs, concurrency 16, in memory",
  async fn(b: Deno.BenchContext): Promise<void> {
    const server = await startHandleServer({ prefix: PREFIX, username: USER, password: PASSWORD });
    b.start();
    await putMany(server);
    b.end();
    await server.close();
  },
});

Deno.bench({
  name: "handle-server: 200 PUTs, concurrency 16, with data file",
  async fn(b: Deno.BenchContext): Promise<void> {
    const dir = await Deno.makeTempDir();
    const server = await startHandleServer({
      prefix: PREFIX,
      username: USER,
      password: PASSWORD,
      dataFile: `${dir}/handles.log`,
    });
    b.start();
    await putMany(server);
    b.end();
    await server.close();
    await Deno.remove(dir, { recursive: true });
  },
});
