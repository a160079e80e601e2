/**
 * Writes the project's own example events to `examples/events/` (used by the demo
 * and the README), from the deterministic generator in `tests/fixtures/events.ts`.
 * Run again after changing the generator: `deno run -A tools/make_examples.ts`.
 *
 * @module
 */

import { makeCmip6Event } from "../tests/fixtures/events.ts";

const dir = new URL("../examples/events/", import.meta.url);
await Deno.mkdir(dir, { recursive: true });

function write(name: string, text: string): Promise<void> {
  return Deno.writeTextFile(new URL(name, dir), text);
}

const tos = makeCmip6Event({ files: 3 });
const pr = makeCmip6Event({
  files: 4,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.pr.gn.v20240101",
  replicas: ["replica-node.example.net"],
});
const retracted = makeCmip6Event({
  files: 1,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.tas.gn.v20230101",
  retracted: true,
});
const missingSize = makeCmip6Event({
  files: 2,
  itemId: "CMIP6.CMIP.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.Amon.uas.gn.v20240101",
});
const assets =
  (missingSize.data as { payload: { item: { assets: Record<string, Record<string, unknown>> } } })
    .payload.item.assets;
delete assets.data0001["file:size"];
// A project piddiplatsch does not know: filtered.
const obs4mips = asProject(
  makeCmip6Event({ files: 1, itemId: "obs4MIPs.TEST-INST.TEST-SAT.mon.ta.gn.v20260101" }),
  { id: "obs4MIPs", ns: "obs4mips", prefix: "21.14100" },
);
// One event of each other project, with its own PID fields and prefix (projects.md).
const cmip6plus = asProject(
  makeCmip6Event({
    files: 2,
    itemId: "CMIP6Plus.TBIMIP.TEST-INST.TEST-ESM1-0.tbi-pace.r1i1p1f1.AE6hrPt.zg500.gn.v20260101",
  }),
  { id: "CMIP6Plus", ns: "cmip6plus", prefix: "21.14100" },
);
const cmip7 = asProject(
  makeCmip6Event({
    files: 2,
    itemId:
      "MIP-DRS7.CMIP7.CMIP.TEST-INST.TEST-ESM2-0.piControl.r1i1p1f1.glb.mon.tas.tavg-h2m-hxy-u.g100.v20260101",
  }),
  { id: "CMIP7", ns: "cmip7", prefix: "21.14107" },
);
const cordex = asProject(
  makeCmip6Event({
    files: 2,
    itemId:
      "CORDEX-CMIP6.DD.EUR-12.TEST-INST.TEST-ESM1-0.historical.r1i1p1f1.TEST-RCM1-0.v1-r1.day.tas.v20260101",
  }),
  { id: "CORDEX-CMIP6", ns: "cordex-cmip6", prefix: "21.14103" },
);

/** Turns a generated CMIP6 event into one of another project: ids, PID fields, prefix. */
function asProject(
  event: Record<string, unknown>,
  project: { id: string; ns: string; prefix: string },
): Record<string, unknown> {
  const payload = (event.data as { payload: Record<string, unknown> }).payload;
  payload.collection_id = project.id;
  const item = payload.item as {
    collection: string;
    properties: Record<string, unknown>;
    assets: Record<string, Record<string, unknown>>;
  };
  item.collection = project.id;
  const rename = (table: Record<string, unknown>): Record<string, unknown> =>
    Object.fromEntries(
      Object.entries(table).map(([key, value]) => {
        if (!key.startsWith("cmip6:")) return [key, value];
        const pid = typeof value === "string" && value.startsWith("hdl:")
          ? value.replace(/^hdl:[^/]+\//, `hdl:${project.prefix}/`)
          : value;
        return [`${project.ns}:${key.slice("cmip6:".length)}`, pid];
      }),
    );
  item.properties = { ...rename(item.properties), project: project.id };
  for (const [key, asset] of Object.entries(item.assets)) item.assets[key] = rename(asset);
  return event;
}

await write("cmip6_tos.json", JSON.stringify(tos, null, 2) + "\n");
await write("cmip6_pr_replica.json", JSON.stringify(pr, null, 2) + "\n");
await write(
  "mixed.jsonl",
  [
    JSON.stringify(retracted),
    JSON.stringify(missingSize),
    "this line is not JSON",
    JSON.stringify(obs4mips),
  ].join("\n") + "\n",
);
await write(
  "projects.jsonl",
  [JSON.stringify(cmip6plus), JSON.stringify(cmip7), JSON.stringify(cordex)].join("\n") + "\n",
);
console.log(`examples written to ${dir.pathname}`);
