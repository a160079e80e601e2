/**
 * `verify [paths…] [--topic [T]] [--since TIME] [--format text|json]`: checks on the
 * Handle server (profile `[handle]`) that the records the inputs must have produced are
 * there and equal; exit 1 when anything is missing or different.
 *
 * @module
 */

import { ConfigurationError, describeError, TransientError } from "../errors/mod.ts";
import { expandPaths } from "../inputs/mod.ts";
import { createVersionLookup } from "../lookup/mod.ts";
import { createPlugin } from "../plugins/mod.ts";
import { HandleRestClient } from "../register/mod.ts";
import { EXIT, transientPolicy } from "../runner/mod.ts";
import { StacClient } from "../stac/mod.ts";
import {
  type HandleReport,
  type InputText,
  readInputFiles,
  readTopic,
  verifyInputs,
  type VerifyResult,
} from "../verify/mod.ts";
import { ExitError, type GlobalOptions, openContext, printError } from "./context.ts";

/** Options of `verify`. */
export interface VerifyCommandOptions {
  /** Read the topic (`true`: `[consumer].topic`). */
  topic?: string | boolean;
  /** Only topic events from this time on. */
  since?: string;
  /** `text` (default) or `json`. */
  format?: string;
}

/** Runs `verify`; returns the exit code. */
export async function verifyCommand(
  globals: GlobalOptions,
  paths: string[],
  options: VerifyCommandOptions,
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const format = options.format ?? "text";
  const policy = transientPolicy(config);
  const client = new HandleRestClient({
    serverUrl: config.handle.server_url,
    prefix: config.handle.prefix,
    username: config.handle.username,
    password: config.handle.password,
    timeout: config.handle.timeout,
    concurrency: config.handle.concurrency,
    caFile: config.handle.ca_file || undefined,
    policy,
    sessions: false, // reads only: no credentials needed
  });
  try {
    if (format !== "text" && format !== "json") {
      throw new ExitError(`verify: --format must be text or json, not ${format}`, EXIT.failed);
    }
    const since = options.since === undefined ? undefined : new Date(options.since);
    if (since !== undefined && Number.isNaN(since.getTime())) {
      throw new ExitError(`verify: --since is not a time: ${options.since}`, EXIT.failed);
    }
    if (paths.length === 0 && !options.topic) {
      throw new ExitError("verify: name input files or --topic", EXIT.failed);
    }
    const inputs: InputText[] = await readInputFiles(await expandPaths(paths));
    if (options.topic) {
      const topic = typeof options.topic === "string" ? options.topic : config.consumer.topic;
      try {
        inputs.push(...await readTopic({ kafka: config.kafka, topic, since }));
      } catch (error) {
        throw new ExitError(
          `verify: cannot read ${topic}: ${describeError(error)}`,
          EXIT.transient,
        );
      }
    }
    const stac = config.stac.base_url
      ? new StacClient({ baseUrl: config.stac.base_url, timeout: config.stac.timeout, policy })
      : undefined;
    const lookup = config.lookup.enabled
      ? createVersionLookup({
        backend: config.lookup.backend,
        stac,
        collection: config.stac.collection,
        es: {
          url: config.elasticsearch.url,
          index: config.elasticsearch.index,
          username: config.elasticsearch.username || undefined,
          password: config.elasticsearch.password || undefined,
          timeout: config.elasticsearch.timeout,
        },
        policy,
      })
      : undefined;
    const plugin = createPlugin(config.consumer.processor, {
      landingPageUrl: config.plugins.cmip6.landing_page_url,
      maxParts: config.plugins.cmip6.max_parts,
      excludedAssetKeys: config.plugins.cmip6.excluded_asset_keys,
      esgfMarker: config.plugins.cmip6.esgf_marker,
      strictMode: config.schema.strict_mode,
    });
    const terminal = Deno.stderr.isTerminal();
    let result: VerifyResult;
    try {
      result = await verifyInputs(inputs, {
        client,
        plugin,
        prefix: config.handle.prefix,
        items: stac,
        lookup,
        onProgress: terminal
          ? (done, total) => {
            if (done % 50 === 0 || done === total) {
              Deno.stderr.writeSync(new TextEncoder().encode(`\rverify: ${done}/${total} handles`));
              if (done === total) Deno.stderr.writeSync(new TextEncoder().encode("\n"));
            }
          }
          : undefined,
      });
    } catch (error) {
      if (error instanceof ConfigurationError) {
        throw new ExitError(`verify: ${error.message}`, EXIT.configuration);
      }
      if (error instanceof TransientError) {
        throw new ExitError(`verify: ${error.message}`, EXIT.transient);
      }
      throw error;
    }
    const count = (status: HandleReport["status"]): number =>
      result.handles.filter((h) => h.status === status).length;
    const summary = {
      inputs: result.events,
      handles: result.handles.length,
      ok: count("ok"),
      missing: count("missing"),
      different: count("different"),
      unverifiable: result.unverifiable.length,
    };
    if (format === "json") {
      console.log(JSON.stringify({
        summary,
        handles: result.handles.filter((h) => h.status !== "ok"),
        unverifiable: result.unverifiable,
      }));
    } else {
      for (const report of result.handles) for (const line of describe(report)) console.log(line);
      for (const reason of result.unverifiable) printError(`verify: not verifiable: ${reason}`);
      console.log(
        `verify: ${summary.handles} handle(s) from ${summary.inputs} input(s): ${summary.ok} ok, ` +
          `${summary.missing} missing, ${summary.different} different, ` +
          `${summary.unverifiable} input(s) not verifiable`,
      );
    }
    return summary.missing + summary.different > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await client.close();
    await logging.close();
  }
}

function describe(report: HandleReport): string[] {
  if (report.status === "missing") return [`missing ${report.handle}`];
  const lines = report.differences.map((d) =>
    `different ${report.handle}: ${d.field}: expected ${quote(d.expected)}, found ${quote(d.found)}`
  );
  if (report.extraParts.length > 0) {
    lines.push(`different ${report.handle}: HAS_PARTS: extra ${report.extraParts.join(", ")}`);
  }
  if (report.missingParts.length > 0) {
    lines.push(`different ${report.handle}: HAS_PARTS: missing ${report.missingParts.join(", ")}`);
  }
  return lines;
}

function quote(text: string | null): string {
  if (text === null) return "(absent)";
  return JSON.stringify(text.length > 200 ? `${text.slice(0, 200)}…` : text);
}
