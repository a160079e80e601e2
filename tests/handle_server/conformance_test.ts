/**
 * Differential conformance: every request of the corpus goes to a real Handle.Net 9.2.0
 * server and to handle-server (`--tls`), in the same order; status and body must be equal
 * after normalising timestamps, session ids and Java exception texts. The differences kept
 * on purpose are listed in `STAND_IN_DIFFERENCES` (src/handle_server) and docs/stand-in.md.
 */

import assert from "node:assert/strict";
import { STAND_IN_DIFFERENCES } from "../../src/handle_server/differences.ts";
import { startHandleServer } from "../../src/handle_server/mod.ts";
import { realHandleTest, startRealHandleServer } from "../support/real_handle.ts";
import { CORPUS } from "./conformance_corpus.ts";
import { runCorpus } from "./conformance_run.ts";

const PREFIX = "21.T18C";

realHandleTest(
  "handle-server answers the conformance corpus as Handle.Net 9.2.0 does",
  async () => {
    assert.ok(CORPUS.length >= 120, `corpus of ${CORPUS.length} requests`);
    await using real = await startRealHandleServer({ prefix: PREFIX });
    const standIn = await startHandleServer({
      prefix: PREFIX,
      username: real.username,
      password: real.password,
      tls: true,
    });
    try {
      const target = { prefix: PREFIX, user: "testuser", password: real.password };
      const expected = await runCorpus({ ...target, port: real.port }, CORPUS);
      const actual = await runCorpus({ ...target, port: standIn.port }, CORPUS);
      const dump = Deno.env.get("CONFORMANCE_DUMP");
      const differences: string[] = [];
      const lines: string[] = [];
      CORPUS.forEach((step, i) => {
        const want = `${expected[i].status} ${expected[i].body}`;
        const got = `${actual[i].status} ${actual[i].body}`;
        lines.push(`#${i} ${step.name}\n  real: ${want}\n  ours: ${got}`);
        if (want !== got) differences.push(`#${i} ${step.name}\n  real: ${want}\n  ours: ${got}`);
      });
      if (dump) await Deno.writeTextFile(dump, lines.join("\n") + "\n");
      assert.deepEqual(differences, [], `${differences.length} of ${CORPUS.length} differ`);
    } finally {
      await standIn.close();
    }
  },
);

Deno.test("docs/stand-in.md names every difference kept on purpose", async () => {
  const page = await Deno.readTextFile(new URL("../../docs/stand-in.md", import.meta.url));
  assert.ok(STAND_IN_DIFFERENCES.length > 0);
  for (const { behaviour, reason } of STAND_IN_DIFFERENCES) {
    assert.ok(page.includes(`**${behaviour}**`), behaviour);
    assert.ok(reason.length > 20, behaviour);
  }
});
