import assert from "node:assert/strict";
import { PermanentError } from "../../src/errors/mod.ts";
import { resolveProject } from "../../src/decode/mod.ts";

Deno.test("resolveProject: agreeing values in any case", () => {
  assert.equal(
    resolveProject({ collectionId: "CMIP6", collection: "cmip6", project: "Cmip6" }),
    "CMIP6",
  );
  assert.equal(resolveProject({ project: "CMIP6" }), "CMIP6");
  assert.equal(resolveProject({}), undefined);
});

Deno.test("resolveProject: disagreement is a permanent error naming the fields", () => {
  assert.throws(
    () => resolveProject({ collectionId: "CMIP6", collection: "CMIP6", project: "CMIP7" }),
    (error: unknown) =>
      error instanceof PermanentError && /properties\.project/.test(error.message) &&
      /CMIP7/.test(error.message),
  );
  assert.throws(() => resolveProject({ collection: 6 }), /collection must be a string/);
});
