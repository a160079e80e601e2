/** kafkajs's own log lines: one line, with a hint, the same message at most once per window. */

import assert from "node:assert/strict";
import { logLevel } from "kafkajs";
import { kafkaHint, kafkaLogCreator } from "../../src/kafka/mod.ts";
import { setupLogging } from "../../src/log/mod.ts";

Deno.test("kafkajs messages become one deduplicated line with a hint", async () => {
  const lines: string[] = [];
  const handle = await setupLogging({ console: (line) => lines.push(line), logFile: false });
  try {
    let t = 0;
    const log = kafkaLogCreator({ repeatMs: 60_000, now: () => t })(logLevel.INFO);
    const entry = (level: number, message: string, extra: Record<string, unknown> = {}) => ({
      namespace: "Connection",
      level,
      label: "ERROR",
      log: { timestamp: "", message, ...extra },
    });
    const refused = { broker: "127.0.0.1:9", error: "connect ECONNREFUSED\n127.0.0.1:9" };
    log(entry(logLevel.ERROR, "Connection error", refused));
    t = 1000;
    log(entry(logLevel.ERROR, "Connection error", refused));
    log(entry(logLevel.WARN, "Restarting the consumer in 300ms"));
    log(entry(logLevel.WARN, "Restarting the consumer in 600ms"));
    log(entry(logLevel.INFO, "Consumer has joined the group")); // debug: not on the console
    t = 61_001;
    log(entry(logLevel.ERROR, "Connection error", refused));
    assert.equal(lines.length, 3, lines.join(""));
    assert.match(
      lines[0],
      /\[WRN\] piddiplatsch·kafka: kafkajs: Connection error: connect ECONNREFUSED 127\.0\.0\.1:9 \(broker 127\.0\.0\.1:9\); is the broker running\? check \[kafka\] "bootstrap\.servers"/,
    );
    assert.equal(lines[0].trimEnd().split("\n").length, 1, "one line");
    assert.match(lines[1], /Restarting the consumer in 300ms/);
    assert.match(lines[2], /\(1 more like it held back\)/);
  } finally {
    await handle.close();
  }
});

Deno.test("kafkaHint names what to check", () => {
  assert.match(kafkaHint("This server does not host this topic-partition")!, /\[consumer\] topic/);
  assert.match(kafkaHint("SASL PLAIN authentication failed")!, /sasl\.username.*sasl\.password/);
  assert.match(kafkaHint("received fatal alert: BadCertificate")!, /ssl\.certificate\.location/);
  assert.match(kafkaHint("The group is rebalancing, re-joining")!, /rebalancing/);
  assert.equal(kafkaHint("something else entirely"), undefined);
});
