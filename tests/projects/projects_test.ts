import assert from "node:assert/strict";
import { decodeEvent } from "../../src/decode/mod.ts";
import { ConfigurationError, PermanentError } from "../../src/errors/mod.ts";
import { registrationOrder } from "../../src/records/mod.ts";
import {
  createPlugin,
  datasetIdFacets,
  findProject,
  pidFields,
  PROJECT_NAMES,
  PROJECTS,
  selectProjects,
} from "../../src/projects/mod.ts";
import {
  expectedProjectRecords,
  itemOfEvent,
  PROJECT_FACTS,
  projectEvent,
  SAMPLE_PROJECTS,
  sampleEvent,
} from "../fixtures/projects.ts";

Deno.test("the four projects of projects.md, with their ids, fields and prefixes", () => {
  assert.deepEqual(PROJECT_NAMES, ["cmip6", "cmip6plus", "cmip7", "cordex-cmip6"]);
  for (const name of SAMPLE_PROJECTS) {
    assert.equal(PROJECTS[name].projectId, PROJECT_FACTS[name].id);
    assert.equal(PROJECTS[name].productionPrefix, PROJECT_FACTS[name].prefix);
    assert.deepEqual(PROJECTS[name].datasetPidFields, [`${name}:pid`]);
    assert.deepEqual(PROJECTS[name].filePidFields, [`${name}:tracking_id`]);
  }
  assert.deepEqual(pidFields(PROJECTS.cmip6, "dataset"), ["CMIP6:pid", "cmip6:pid", "pid"]);
  assert.deepEqual(pidFields(PROJECTS.cmip7, "file"), ["CMIP7:tracking_id", "cmip7:tracking_id"]);
  assert.equal(findProject("CORDEX-CMIP6"), PROJECTS["cordex-cmip6"]);
  assert.equal(findProject("CMIP6Plus"), PROJECTS.cmip6plus);
  assert.equal(findProject("obs4mips"), undefined);
});

Deno.test("every sample's dataset id has its project's head and facets", async () => {
  for (const name of SAMPLE_PROJECTS) {
    const id = String(itemOfEvent(await sampleEvent(name)).id);
    const facets = datasetIdFacets(PROJECTS[name], id.slice(0, id.lastIndexOf(".")));
    assert.ok(facets, `${name}: ${id}`);
  }
  const cmip7 = datasetIdFacets(
    PROJECTS.cmip7,
    "MIP-DRS7.CMIP7.CMIP.CCCma.CanESM5-1.piControl.r1i1p2f1.glb.mon.tas.tavg-h2m-hxy-u.g120",
  );
  assert.equal(cmip7?.branding, "tavg-h2m-hxy-u");
  assert.equal(datasetIdFacets(PROJECTS.cmip7, "CMIP7.CMIP.x"), undefined);
});

Deno.test("each sample maps, with and without source PIDs, to the records of records.md", async () => {
  const now = new Date("2026-01-01T00:00:00Z");
  for (const name of SAMPLE_PROJECTS) {
    const prefix = PROJECT_FACTS[name].prefix;
    for (const withPids of [true, false]) {
      const event = await projectEvent(name, { withPids, version: "v20300101" });
      const decoded = decodeEvent(JSON.stringify(event));
      assert.equal(decoded.method, "POST");
      if (decoded.method !== "POST") continue;
      const mapped = createPlugin(name).map(decoded.item, {
        prefix,
        collectionId: decoded.collectionId,
        eventTime: decoded.time,
        now,
      });
      const expected = expectedProjectRecords(event, { project: name, prefix });
      const records = registrationOrder(mapped);
      assert.deepEqual(records.map((r) => r.handle), [...expected.keys()], name);
      for (const record of records) {
        const want = expected.get(record.handle)!;
        assert.equal(record.URL, want.URL);
        for (const [field, value] of Object.entries(want)) {
          if (field === "URL") continue;
          const got = record.data[field];
          assert.equal(
            typeof got === "string" ? got : JSON.stringify(got),
            value,
            `${name} ${record.handle} ${field}`,
          );
        }
      }
    }
  }
});

Deno.test("routing: collection_id, collection, properties.project; lists of one; any case", async () => {
  const event = await sampleEvent("cordex-cmip6");
  const payload = (event.data as { payload: Record<string, unknown> }).payload;
  const item = payload.item as Record<string, unknown>;
  payload.collection_id = "cordex-cmip6";
  (item.properties as Record<string, unknown>).project = ["CORDEX-CMIP6"];
  assert.equal(decodeEvent(JSON.stringify(event)).project, "cordex-cmip6");
  delete payload.collection_id;
  item.collection = "Cordex-Cmip6";
  assert.equal(decodeEvent(JSON.stringify(event)).project, "Cordex-Cmip6");
  delete item.collection;
  assert.equal(decodeEvent(JSON.stringify(event)).project, "CORDEX-CMIP6");
});

Deno.test("routing: a disagreement names both fields; none is 'no project'; item.id never decides", async () => {
  const event = await sampleEvent("cmip7");
  const payload = (event.data as { payload: Record<string, unknown> }).payload;
  const item = payload.item as Record<string, unknown>;
  item.collection = "CMIP6";
  assert.throws(
    () => decodeEvent(JSON.stringify(event)),
    (error: unknown) =>
      error instanceof PermanentError &&
      error.message ===
        'project mismatch: data.payload.collection_id is "CMIP7" but item.collection is "CMIP6"',
  );
  delete payload.collection_id;
  delete item.collection;
  delete (item.properties as Record<string, unknown>).project;
  assert.throws(() => decodeEvent(JSON.stringify(event)), /^PermanentError: no project|no project/);
  (item.properties as Record<string, unknown>).project = ["CMIP7", "CMIP6"];
  assert.throws(() => decodeEvent(JSON.stringify(event)), /must name one project/);
});

Deno.test("selection: names in any case, all, unknown names with a did-you-mean", () => {
  assert.deepEqual(selectProjects(["CMIP7", "cmip6"]).map((p) => p.name), ["cmip7", "cmip6"]);
  assert.deepEqual(selectProjects("all").map((p) => p.name), PROJECT_NAMES);
  assert.throws(
    () => selectProjects(["cmip8"]),
    (error: unknown) =>
      error instanceof ConfigurationError && /unknown project "cmip8"/.test(error.message) &&
      /did you mean cmip[67]\?/.test(error.message),
  );
  assert.throws(() => selectProjects(["cordex"]), /did you mean cordex-cmip6\?/);
  assert.throws(() => selectProjects([]), /no project selected/);
  assert.throws(() => createPlugin("obs4mips"), ConfigurationError);
});
