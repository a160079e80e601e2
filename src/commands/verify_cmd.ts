/**
 * `verify [paths…] [--topic [T]] [--since TIME] [--format text|json] [PROJECTS]`: checks on
 * the Handle servers (each project's profile; a dry-run line's profile or the one serving its
 * prefix) that the records the inputs must have produced are there and equal; exit 1 when
 * anything is missing or different or an input could not be verified.
 *
 * @module
 */

import { defaultProfileName, handleProfiles } from "../config/profiles.ts";
import { ConfigurationError, describeError, TransientError } from "../errors/mod.ts";
import { expandPaths } from "../inputs/mod.ts";
import { routerOf } from "../pipeline/mod.ts";
import { findProject } from "../projects/mod.ts";
import {
  buildRoutes,
  EXIT,
  profileClient,
  type ProjectSwitches,
  transientPolicy,
} from "../runner/mod.ts";
import { StacClient } from "../stac/mod.ts";
import {
  type InputText,
  isClean,
  type ProfileClient,
  readInputFiles,
  reportLines,
  summarize,
  summaryLine,
  verifyInputs,
  type VerifyResult,
} from "../verify/mod.ts";
import { ExitError, type GlobalOptions, openContext, printError } from "./context.ts";
import { addToSummary } from "./summary.ts";
import { stderrFormat } from "../log/mod.ts";

/** Options of `verify`. */
export interface VerifyCommandOptions extends Omit<ProjectSwitches, "dryRun"> {
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
  const profiles = handleProfiles(config);
  const clients = new Map<string, ProfileClient>();
  for (const profile of profiles.values()) {
    if (profile.backend === "jsonl" || profile.server_url === "") continue;
    clients.set(profile.name, {
      client: profileClient(profile, { policy }),
      prefix: profile.prefix,
    });
  }
  try {
    if (format !== "text" && format !== "json") {
      throw new ExitError(`verify: --format must be text or json, not ${format}`, EXIT.usage);
    }
    const since = options.since === undefined ? undefined : new Date(options.since);
    if (since !== undefined && Number.isNaN(since.getTime())) {
      throw new ExitError(`verify: --since is not a time: ${options.since}`, EXIT.usage);
    }
    if (paths.length === 0 && !options.topic) {
      throw new ExitError("verify: name input files or --topic", EXIT.usage);
    }
    const inputs: InputText[] = await readInputFiles(await expandPaths(paths));
    if (options.topic) {
      const topic = typeof options.topic === "string" ? options.topic : config.consumer.topic;
      try {
        // loaded here: a verify of files does not pay for the Kafka clients
        const { readTopic } = await import("../kafka/mod.ts");
        inputs.push(...await readTopic({ kafka: config.kafka, topic, since }));
      } catch (error) {
        if (error instanceof ConfigurationError) {
          throw new ExitError(`verify: ${error.message}`, EXIT.configuration);
        }
        throw new ExitError(
          `verify: cannot read ${topic}: ${describeError(error)}`,
          EXIT.transient,
        );
      }
    }
    const stac = config.stac.base_url
      ? new StacClient({ baseUrl: config.stac.base_url, timeout: config.stac.timeout, policy })
      : undefined;
    const { routes, registrars } = buildRoutes(config, {
      outputDir: config.consumer.output_dir,
      policy,
      onRetry: () => {},
      stac,
      switches: { ...options, dryRun: true }, // routes only: nothing is registered
    });
    await Promise.all(registrars.map((registrar) => registrar.close()));
    const router = routerOf(routes, { knownName: (project) => findProject(project)?.name });
    const order = [defaultProfileName(config), ...profiles.keys()];
    const profileOf = (prefix: string, named?: string): string | undefined => {
      const serves = (name: string): boolean =>
        profiles.get(name)?.prefix.toUpperCase() === prefix.toUpperCase();
      if (named !== undefined && serves(named)) return named;
      return order.find(serves);
    };
    const terminal = Deno.stderr.isTerminal() && stderrFormat() !== "json";
    let result: VerifyResult;
    try {
      result = await verifyInputs(inputs, {
        clients,
        router,
        profileOf,
        items: stac,
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
    const summary = summarize(result);
    addToSummary({ verify: summary });
    if (format === "json") {
      console.log(JSON.stringify({
        summary,
        handles: result.handles.filter((h) => h.status !== "ok"),
        unverifiable: result.unverifiable,
      }));
    } else {
      for (const report of result.handles) {
        for (const line of reportLines(report)) console.log(line);
      }
      for (const reason of result.unverifiable) printError(`verify: not verifiable: ${reason}`);
      console.log(summaryLine(summary));
    }
    // An input that could not be verified is no success: nothing vouches for it.
    return isClean(summary) ? EXIT.ok : EXIT.failed;
  } finally {
    await Promise.all([...clients.values()].map(({ client }) => client.close()));
    await logging.close();
  }
}
