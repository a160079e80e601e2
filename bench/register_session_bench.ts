/**
 * The REST client registering 200 records, 16 at a time, into the in-process handle
 * server: in one session (one password check) and with Basic credentials on every write.
 *
 * @module
 */

import { startHandleServer } from "../src/handle_server/mod.ts";
import { HandleRestClient } from "../src/register/mod.ts";

const PREFIX = "21.TEST";
const USER = "300:21.TEST/benchuser";
const PASSWORD = "bench";
const RECORDS = 200;

let run = 0;

async function registerAll(sessions: boolean): Promise<void> {
  const server = await startHandleServer({
    prefix: PREFIX,
    username: USER,
    password: PASSWORD,
    sessions,
  });
  const client = new HandleRestClient({
    serverUrl: server.url,
    prefix: PREFIX,
    username: USER,
    password: PASSWORD,
    timeout: 10,
    concurrency: 16,
    policy: { retries: 0, backoffInitial: 0, backoffMax: 0 },
  });
  const batch = run++;
  try {
    await Promise.all(Array.from({ length: RECORDS }, (_, i) =>
      client.put({
        handle: `${PREFIX}/s${batch}-${i}`,
        URL: `https://bench/${i}`,
        data: { AGGREGATION_LEVEL: "FILE", FILE_SIZE: i, CHECKSUM: "abc" },
      })));
    const checks = server.passwordChecks();
    if (checks !== (sessions ? 1 : RECORDS)) throw new Error(`${checks} password checks`);
  } finally {
    await client.close();
    await server.close();
  }
}

Deno.bench({
  name: "REST client: 200 registrations, concurrency 16, one session",
  group: "sessions",
  baseline: true,
  async fn(): Promise<void> {
    await registerAll(true);
  },
});

Deno.bench({
  name: "REST client: 200 registrations, concurrency 16, Basic on every write",
  group: "sessions",
  async fn(): Promise<void> {
    await registerAll(false);
  },
});
