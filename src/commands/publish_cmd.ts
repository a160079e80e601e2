/**
 * `publish <handle files…> [--resume]`: registers dry-run output with the Handle profile
 * of the configuration (`[handle]`), with the retries and transient policy of `consume`.
 *
 * @module
 */

import { join } from "node:path";
import { expandPaths } from "../inputs/mod.ts";
import { publishedHandles, publishGroups, readPublishGroups } from "../publish/mod.ts";
import { HandleRestClient } from "../register/mod.ts";
import { EXIT, transientPolicy } from "../runner/mod.ts";
import { type GlobalOptions, openContext, printError, signalController } from "./context.ts";

/** Options of `publish`. */
export interface PublishCommandOptions {
  /** Skip handles that earlier receipts for the same server show published. */
  resume?: boolean;
}

/** Publishes dry-run files; returns the exit code. */
export async function publishCommand(
  globals: GlobalOptions,
  paths: string[],
  options: PublishCommandOptions,
): Promise<number> {
  const { config, logging } = await openContext(globals);
  const stop = signalController((name) => printError(`${name}: finishing the event in progress…`));
  const client = new HandleRestClient({
    serverUrl: config.handle.server_url,
    prefix: config.handle.prefix,
    username: config.handle.username,
    password: config.handle.password,
    timeout: config.handle.timeout,
    concurrency: config.handle.concurrency,
    caFile: config.handle.ca_file || undefined,
    policy: transientPolicy(config),
    signal: stop.signal,
  });
  try {
    const files = await expandPaths(paths, { extensions: [".jsonl"] });
    const groups = await readPublishGroups(files, config.handle.prefix);
    const dir = join(config.consumer.output_dir, "published");
    await Deno.mkdir(dir, { recursive: true });
    const server = config.handle.server_url;
    const done = options.resume ? await publishedHandles(dir, server) : undefined;
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const receipt = join(dir, `published_${stamp}_${crypto.randomUUID().slice(0, 8)}.jsonl`);
    const result = await publishGroups(groups, {
      client,
      server,
      receipt,
      done,
      signal: stop.signal,
    });
    for (const failure of result.failures) printError(`publish: refused: ${failure}`);
    const total = groups.reduce((sum, group) => sum + group.records.length, 0);
    console.log(
      `publish: ${total} handle(s) in ${groups.length} event(s): ${result.created} created, ` +
        `${result.replaced} replaced, ${result.resumed} already published, ` +
        `${result.failures.length} event(s) refused; receipt ${receipt}`,
    );
    if (result.stop) {
      printError(`stopped: ${result.stop.reason}`);
      return result.stop.kind === "configuration" ? EXIT.configuration : EXIT.transient;
    }
    return result.failures.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await client.close();
    stop.dispose();
    await logging.close();
  }
}
