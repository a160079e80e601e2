/**
 * The documentation cannot drift from the code: every key of the configuration schema
 * (`src/config/schema.ts`) is in docs/configuration.md under its section, with the
 * packaged default where the page gives one; every key the page lists exists; every
 * command and option of the command tree (`main.ts`) is in docs/cli.md under its command,
 * and every command is in the README's list; the README stays short, its links lead
 * somewhere and its minimal production configuration is valid.
 *
 * @module
 */

import assert from "node:assert/strict";
import { parse as parseToml } from "smol-toml";
import { z } from "zod";
import type { Command } from "@commander-js/extra-typings";
import { buildProgram } from "../../main.ts";
import { configSchema } from "../../src/config/schema.ts";
import { LIBRDKAFKA_KEYS } from "../../src/config/librdkafka.ts";
import { KAFKAJS_KEYS } from "../../src/kafka/config.ts";
import { SECRET_ENV } from "../../src/config/mod.ts";
import { runCli } from "../helpers.ts";

const ROOT = new URL("../../", import.meta.url);
const read = (path: string): Promise<string> => Deno.readTextFile(new URL(path, ROOT));

/** A page cut at its headings: heading text to the text under it (to the next heading). */
function sections(markdown: string): Map<string, string> {
  const out = new Map<string, string>();
  let heading = "";
  for (const line of markdown.split("\n")) {
    const match = /^#{1,4} (.*)$/.exec(line);
    if (match) {
      heading = match[1];
      out.set(heading, "");
    } else out.set(heading, (out.get(heading) ?? "") + line + "\n");
  }
  return out;
}

/** The rows of the tables in `text` whose first cell is one code span: key to the cells. */
function tableRows(text: string): Map<string, string[]> {
  const rows = new Map<string, string[]>();
  for (const line of text.split("\n")) {
    const cells = /^\|(.*)\|\s*$/.exec(line)?.[1].split("|").map((c) => c.trim());
    const key = cells && /^`"?([^`"]+)"?`$/.exec(cells[0])?.[1];
    if (key) rows.set(key, cells.slice(1));
  }
  return rows;
}

/** The configuration sections of docs/configuration.md: `consumer.transient` to its rows. */
async function documentedSections(): Promise<Map<string, Map<string, string[]>>> {
  const out = new Map<string, Map<string, string[]>>();
  for (const [heading, text] of sections(await read("docs/configuration.md"))) {
    const name = /^`\[([^\]]+)\]`$/.exec(heading)?.[1];
    if (name) out.set(name, tableRows(text));
  }
  return out;
}

/** Tables whose keys are open (documented as "the keys of [handle]") rather than listed. */
const OPEN_TABLES = new Set(["handles.defaults", "handles.profiles"]);

/** Every key of the schema, as `[section path, key]`; `plugins.NAME` for the projects. */
function schemaKeys(
  schema: z.ZodType = configSchema,
  path: string[] = [],
): Array<[string, string]> {
  const out: Array<[string, string]> = [];
  if (!(schema instanceof z.ZodObject)) return out;
  for (const [key, value] of Object.entries(schema.shape as Record<string, z.ZodType>)) {
    const here = [...path, key];
    if (path.length > 0) out.push([path.join("."), key]);
    if (OPEN_TABLES.has(here.join("."))) continue;
    if (value instanceof z.ZodRecord) {
      out.push(...schemaKeys(value.valueType as z.ZodType, [...here, "NAME"]));
    } else out.push(...schemaKeys(value, here));
  }
  return out;
}

/** The schema's node at a section path (`plugins.NAME` is the record's value). */
function schemaAt(path: string): z.ZodType | undefined {
  let node: z.ZodType | undefined = configSchema;
  for (const part of path.split(".")) {
    if (node instanceof z.ZodRecord && part === "NAME") node = node.valueType as z.ZodType;
    else if (node instanceof z.ZodObject) {
      node = (node.shape as Record<string, z.ZodType>)[part];
    } else return undefined;
  }
  return node;
}

Deno.test("every key of the configuration schema is in docs/configuration.md under its section", async () => {
  const documented = await documentedSections();
  const keys = schemaKeys();
  assert.ok(keys.length > 50, `only ${keys.length} keys found in the schema`);
  for (const [section, key] of keys) {
    const rows = documented.get(section);
    assert.ok(rows, `docs/configuration.md has no section [${section}]`);
    // A table within the section may have its own heading instead of a row.
    const listed = rows.has(key) || documented.has(`${section}.${key}`);
    assert.ok(listed, `docs/configuration.md: [${section}] does not list ${key}`);
  }
  // The [kafka] keys the Kafka clients understand are listed too, not only the schema's.
  for (const key of KAFKAJS_KEYS) {
    assert.ok(documented.get("kafka")?.has(key), `docs/configuration.md: [kafka] lacks "${key}"`);
  }
});

Deno.test("every key docs/configuration.md lists exists, with the packaged default it gives", async () => {
  const defaults = parseToml(await read("config/default.toml")) as Record<string, unknown>;
  const documented = await documentedSections();
  assert.ok(documented.size >= 10, `only ${documented.size} sections`);
  for (const [section, rows] of documented) {
    const node = schemaAt(section);
    assert.ok(node instanceof z.ZodObject, `docs/configuration.md: [${section}] is no section`);
    const shape = node.shape as Record<string, unknown>;
    for (const [key, cells] of rows) {
      const known = key in shape || (section === "kafka" && LIBRDKAFKA_KEYS.has(key));
      assert.ok(known, `docs/configuration.md: [${section}] ${key} is no key of the schema`);
      // A default written as one code span is TOML and must be the packaged one.
      const cell = /^`([^`]+)`$/.exec(cells[0] ?? "")?.[1];
      if (cell === undefined) continue;
      let table: unknown = defaults;
      for (const part of section.split(".")) {
        table = (table as Record<string, unknown>)[part === "NAME" ? "cmip6" : part];
      }
      const packaged = (table as Record<string, unknown>)[key];
      assert.deepEqual(
        parseToml(`value = ${cell}`).value,
        packaged,
        `docs/configuration.md: [${section}] ${key} default ${cell}`,
      );
    }
  }
});

Deno.test("docs/configuration.md names every environment variable of a secret", async () => {
  const page = await read("docs/configuration.md");
  for (const name of [...Object.keys(SECRET_ENV), "PIDDI_HANDLE_<NAME>_PASSWORD"]) {
    assert.ok(page.includes(`\`${name}\``), `docs/configuration.md does not name ${name}`);
  }
});

/** Every command of the tree, by its full name (`config validate`), with its long options. */
function commands(command: Command, prefix: string[] = []): Map<string, string[]> {
  const out = new Map<string, string[]>();
  for (const sub of command.commands as Command[]) {
    const name = [...prefix, sub.name()];
    const options = sub.options.map((o) => o.long).filter((l): l is string => Boolean(l));
    if (sub.commands.length === 0 || options.length > 0) out.set(name.join(" "), options);
    for (const [n, o] of commands(sub, name)) out.set(n, o);
  }
  return out;
}

Deno.test("every command and option of main.ts is in docs/cli.md under its command", async () => {
  const program = buildProgram(() => {});
  const tree = commands(program as unknown as Command);
  assert.ok(tree.size >= 10, `only ${tree.size} commands`);
  const page = sections(await read("docs/cli.md"));
  const byCommand = new Map<string, string>();
  for (const [heading, text] of page) {
    const name = /^`([a-z][a-z -]*)`$/.exec(heading)?.[1];
    if (name) byCommand.set(name, text);
  }
  for (const [name, options] of tree) {
    const text = byCommand.get(name);
    assert.ok(text !== undefined, `docs/cli.md has no section \`${name}\``);
    for (const option of options) {
      assert.ok(text.includes(option), `docs/cli.md: \`${name}\` does not describe ${option}`);
    }
  }
  const globals = page.get("Global options") ?? "";
  for (const option of program.options.map((o) => o.long!)) {
    assert.ok(globals.includes(option), `docs/cli.md: Global options lack ${option}`);
  }
  for (const name of byCommand.keys()) {
    assert.ok(tree.has(name), `docs/cli.md describes \`${name}\`, which main.ts does not have`);
  }
});

Deno.test("the README lists every command, links to the docs, and stays short", async () => {
  const readme = await read("README.md");
  const tree = commands(buildProgram(() => {}) as unknown as Command);
  for (const name of tree.keys()) {
    assert.ok(readme.includes(`\`${name}`), `README.md does not list \`${name}\``);
  }
  assert.ok(readme.includes("](docs/README.md)"), "README.md links to the index of docs/");
  const lines = readme.split("\n").length;
  assert.ok(lines <= 220, `README.md has ${lines} lines; the rest belongs in docs/`);
});

Deno.test("the README's minimal production configuration passes config validate", async () => {
  const readme = await read("README.md");
  const toml = /```toml\n([\s\S]*?)```/.exec(readme)?.[1];
  assert.ok(toml, "README.md has a TOML example");
  const dir = await Deno.makeTempDir();
  try {
    const config = `${dir}/site.toml`;
    await Deno.writeTextFile(config, toml);
    // The secrets come from the environment, as the README says.
    const env = { PIDDI_HANDLE_PASSWORD: "h-secret", PIDDI_KAFKA_SASL_PASSWORD: "k-secret" };
    const run = await runCli(["-c", config, "config", "validate"], { cwd: dir, env });
    assert.equal(run.code, 0, run.stdout + run.stderr);
    assert.doesNotMatch(run.stdout, /^(error|warning)/m, run.stdout);
  } finally {
    await Deno.remove(dir, { recursive: true });
  }
});

Deno.test("every folder of src/ and tools/ is in the layout of docs/development.md", async () => {
  const layout = /## Layout[\s\S]*?```text\n([\s\S]*?)```/.exec(await read("docs/development.md"))
    ?.[1];
  assert.ok(layout, "docs/development.md has a layout");
  for (const top of ["src", "tools"]) {
    for await (const entry of Deno.readDir(new URL(`${top}/`, ROOT))) {
      if (!entry.isDirectory) continue;
      const folder = `${top}/${entry.name}/`;
      assert.ok(layout.includes(folder), `docs/development.md: the layout lacks ${folder}`);
    }
  }
});

Deno.test("every metric of src/monitor/ is in docs/operations.md", async () => {
  const page = await read("docs/operations.md");
  let found = 0;
  for await (const entry of Deno.readDir(new URL("src/monitor/", ROOT))) {
    if (!entry.name.endsWith(".ts")) continue;
    const source = await read(`src/monitor/${entry.name}`);
    for (const [, name] of source.matchAll(/"(piddiplatsch_[a-z_]+)"/g)) {
      found++;
      assert.ok(page.includes(`\`${name}\``), `docs/operations.md lacks the metric ${name}`);
    }
  }
  assert.ok(found >= 10, `only ${found} metrics found in src/monitor/`);
});

/** A heading as GitHub makes it an anchor: lower case, punctuation dropped, spaces as `-`. */
function anchorOf(heading: string): string {
  return heading.toLowerCase().replace(/[^a-z0-9 _-]/g, "").replaceAll(" ", "-");
}

Deno.test("every relative link of README.md and docs/ leads to a file, and to a heading there", async () => {
  const pages = ["README.md"];
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (entry.name.endsWith(".md")) pages.push(`docs/${entry.name}`);
  }
  const broken: string[] = [];
  for (const page of pages) {
    const text = await read(page);
    for (const [, target, anchor] of text.matchAll(/\]\(([^)#\s]*)(?:#([^)\s]*))?\)/g)) {
      if (/^[a-z]+:/.test(target)) continue;
      const url = target === "" ? new URL(page, ROOT) : new URL(target, new URL(page, ROOT));
      const body = await Deno.readTextFile(url).catch((e) =>
        e instanceof Deno.errors.IsADirectory ? "" : undefined
      );
      if (body === undefined) {
        broken.push(`${page}: ${target} does not exist`);
      } else if (anchor) {
        const anchors = [...body.matchAll(/^#+ (.*)$/gm)].map((m) => anchorOf(m[1]));
        if (!anchors.includes(anchor)) {
          broken.push(`${page}: ${target}#${anchor} has no such heading`);
        }
      }
    }
  }
  assert.deepEqual(broken, []);
});

Deno.test("every package of deno.json's import map is in docs/decisions.md", async () => {
  const imports = JSON.parse(await read("deno.json")).imports as Record<string, string>;
  const page = await read("docs/decisions.md");
  assert.ok(Object.keys(imports).length >= 5);
  for (const name of Object.keys(imports)) {
    assert.ok(page.includes(`\`${name}\``), `docs/decisions.md does not name ${name}`);
  }
});

Deno.test("docs/README.md links every page of docs/", async () => {
  const index = await read("docs/README.md");
  for await (const entry of Deno.readDir(new URL("docs/", ROOT))) {
    if (!entry.name.endsWith(".md") || entry.name === "README.md") continue;
    assert.ok(index.includes(`](${entry.name})`), `docs/README.md does not link ${entry.name}`);
  }
});
