/**
 * `publish <handle files…> [--resume]`: registers dry-run output, each event with the Handle
 * profile its lines name or that serves their prefix, with the retries and transient policy
 * of `consume`.
 *
 * @module
 */

import { join } from "node:path";
import { expandPaths } from "../inputs/mod.ts";
import { defaultProfileName, handleProfiles } from "../config/profiles.ts";
import {
  publishedHandles,
  publishGroups,
  type PublishTarget,
  readPublishGroups,
} from "../publish/mod.ts";
import { EXIT, profileClient, transientPolicy } from "../runner/mod.ts";
import { type GlobalOptions, openContext, printError, signalController } from "./context.ts";
import { addToSummary } from "./summary.ts";

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
  const policy = transientPolicy(config);
  const profiles = handleProfiles(config);
  const targets = new Map<string, PublishTarget>();
  for (const profile of profiles.values()) {
    if (profile.backend === "jsonl" || profile.server_url === "") continue;
    targets.set(profile.name, {
      server: profile.server_url,
      client: profileClient(profile, { policy, signal: stop.signal }),
    });
  }
  const order = [defaultProfileName(config), ...profiles.keys()];
  const profileOf = (prefix: string, named?: string): string | undefined => {
    const serves = (name: string): boolean =>
      targets.has(name) && profiles.get(name)!.prefix.toUpperCase() === prefix.toUpperCase();
    if (named !== undefined && serves(named)) return named;
    return order.find(serves);
  };
  try {
    const files = await expandPaths(paths, { extensions: [".jsonl"] });
    const groups = await readPublishGroups(files, profileOf);
    const dir = join(config.consumer.output_dir, "published");
    await Deno.mkdir(dir, { recursive: true });
    const done = options.resume ? await publishedHandles(dir) : undefined;
    const stamp = new Date().toISOString().replace(/[-:]/g, "").replace(/\.\d+Z$/, "Z");
    const receipt = join(dir, `published_${stamp}_${crypto.randomUUID().slice(0, 8)}.jsonl`);
    const result = await publishGroups(groups, { targets, receipt, done, signal: stop.signal });
    for (const failure of result.failures) printError(`publish: refused: ${failure}`);
    const total = groups.reduce((sum, group) => sum + group.records.length, 0);
    console.log(
      `publish: ${total} handle(s) in ${groups.length} event(s): ${result.created} created, ` +
        `${result.replaced} replaced, ${result.resumed} already published, ` +
        `${result.failures.length} event(s) refused; receipt ${receipt}`,
    );
    addToSummary({
      publish: {
        handles: total,
        events: groups.length,
        created: result.created,
        replaced: result.replaced,
        resumed: result.resumed,
        refused: result.failures.length,
        receipt,
      },
      ...(result.stop ? { stop: result.stop } : {}),
    });
    if (result.stop) {
      printError(`stopped: ${result.stop.reason}`);
      return result.stop.kind === "configuration" ? EXIT.configuration : EXIT.transient;
    }
    return result.failures.length > 0 ? EXIT.failed : EXIT.ok;
  } finally {
    await Promise.all([...targets.values()].map(({ client }) => client.close()));
    stop.dispose();
    await logging.close();
  }
}
