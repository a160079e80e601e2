/**
 * `deno task demo`: the whole flow on one machine, with nothing but this repository.
 *
 * 1. makes a temporary working folder with its own `piddiplatsch.toml`;
 * 2. starts the real CLI's `handle-server` once per Handle profile (one per prefix: 21.14100
 *    for CMIP6 and CMIP6Plus, 21.14103 for CORDEX-CMIP6, 21.14107 for CMIP7) on free ports;
 * 3. with Java and Maven: starts a local Kafka broker (or uses the one in `KAFKA_BOOTSTRAP`),
 *    publishes `examples/events/` (one event of each project, and some faulty ones) with
 *    `send` and reads them back with `consume --idle-timeout 5` (`projects = "all"`);
 *    without them: runs `map examples/events/` and says why;
 * 4. prints the run's summary lines (in all and per project), a table of the handles the
 *    examples should register with the server that holds each (resolved over HTTP from
 *    every server), one resolved dataset record, and the files under `outputs/` with the
 *    reasons of the failures;
 * 5. stops every process it started and removes the working folder (`--keep` keeps it).
 *
 * `--real-handle` runs it on real Handle.Net 9.2.0 servers instead of `handle-server` (one
 * per profile, from `../shared/handle-net` or `$HANDLE_NET_HOME`, each reached over HTTPS
 * with its self-signed certificate pinned by `tls_pin_sha256`) and names each server it
 * used. Where that folder is absent (a user's clone) it says so and exits 1: no fallback to
 * the stand-in, which would show the stand-in's answers under the real server's name.
 *
 * Usage: `deno run --allow-all tools/demo.ts [--keep] [--real-handle]`. Exit 0 on success,
 * else 1 with a one-line reason. `KAFKA_BOOTSTRAP=host:port` uses that broker instead of starting one
 * (then the topic gets a unique suffix, so that earlier runs do not count).
 *
 * The parts live in `tools/demo/`: the setup (profiles, configuration), the processes
 * (CLI runs, handle servers), the expected registrations and the report.
 *
 * @module
 */

import { join } from "node:path";
import { describeError } from "../src/errors/mod.ts";
import { expectedEvents } from "./demo/expected.ts";
import {
  type HandleServer,
  lastLine,
  Processes,
  runStep,
  startHandleServer,
} from "./demo/processes.ts";
import { handleRows, printOutputs, printResolved, printTable, summaryLine } from "./demo/report.ts";
import {
  type RealDemoServer,
  realHandleUnavailable,
  realServerLine,
  startRealDemoServers,
} from "./demo/real_servers.ts";
import { CONFIG_NAME, configText, PROFILES, PROJECT_ROOT, runId } from "./demo/setup.ts";
import { freePort, type KafkaBroker, startKafkaBroker } from "./kafka/broker.ts";

/** The project's own sample events. */
const EXAMPLES = join(PROJECT_ROOT, "examples", "events");
/** The examples folder as the demo shows it. */
const EXAMPLES_SHOWN = "examples/events/";
/** The demo's topic on a fresh broker. */
const TOPIC = "ESGF-demo";
/** Seconds without a new event after which `consume` ends. */
const IDLE_TIMEOUT_SECONDS = 5;

/** How the events reach the pipeline: a broker given in the environment, a local one, or `map`. */
type Route =
  | { kind: "external"; bootstrap: string }
  | { kind: "local" }
  | { kind: "map"; reason: string };

/** Runs the demo; returns the exit code. */
export async function runDemo(args: string[]): Promise<number> {
  const unknown = args.filter((arg) => arg !== "--keep" && arg !== "--real-handle");
  if (unknown.length > 0) {
    console.error(
      `demo: unknown argument ${unknown[0]} (usage: tools/demo.ts [--keep] [--real-handle])`,
    );
    return 2;
  }
  const keep = args.includes("--keep");
  const realHandle = args.includes("--real-handle");
  const unavailable = realHandle ? realHandleUnavailable() : undefined;
  if (unavailable !== undefined) {
    console.error(`demo: ${unavailable}`);
    return 1;
  }
  const processes = new Processes();
  const signals: Deno.Signal[] = Deno.build.os === "windows" ? ["SIGINT"] : ["SIGINT", "SIGTERM"];
  const listeners = signals.map((signal) => {
    const listener = (): void => processes.interrupt(signal);
    Deno.addSignalListener(signal, listener);
    return { signal, listener };
  });
  const workDir = await Deno.makeTempDir({ prefix: "piddiplatsch-demo-" });
  let broker: KafkaBroker | undefined;
  const servers: HandleServer[] = [];
  const realServers: RealDemoServer[] = [];
  let code = 0;
  try {
    console.log(`demo: working folder ${workDir}`);
    const route = await chooseRoute();
    if (realHandle) {
      console.log("Handle.Net: starting one real Handle.Net 9.2.0 server per profile");
      realServers.push(...await startRealDemoServers(PROFILES));
      for (const real of realServers) console.log(realServerLine(real));
    }
    const ports = realHandle ? [] : PROFILES.map(() => freePort());
    const kafkaPort = route.kind === "local" ? freePort() : undefined;
    // In the map route nothing talks to Kafka; the address only completes the configuration.
    const bootstrap = route.kind === "external" ? route.bootstrap : `127.0.0.1:${kafkaPort ?? 9}`;
    // A shared broker may hold the events of earlier runs: a fresh topic leaves them out.
    const topic = route.kind === "external" ? `${TOPIC}-${runId()}` : TOPIC;
    await Deno.writeTextFile(
      join(workDir, CONFIG_NAME),
      configText({
        workDir,
        bootstrap,
        topic,
        servers: realHandle
          ? realServers.map(({ server }) => ({ url: server.url, pin: server.pin }))
          : ports.map((port) => ({ port })),
      }),
    );

    for (const [i, profile] of realHandle ? [] : PROFILES.entries()) {
      const server = await startHandleServer(processes, workDir, { port: ports[i], profile });
      servers.push(server);
      console.log(
        `handle-server ${profile.name}: listening on ${server.url} (prefix ${profile.prefix}: ${
          profile.projects.join(", ")
        })`,
      );
    }

    let summary: string;
    if (route.kind !== "map") {
      if (kafkaPort !== undefined) {
        console.log("kafka: starting a local broker (the first run fetches its jars with Maven)");
        broker = await startKafkaBroker({ port: kafkaPort });
        console.log(`kafka: broker listening on ${broker.bootstrap}`);
      } else {
        console.log(`kafka: using the broker at ${bootstrap} (KAFKA_BOOTSTRAP), topic ${topic}`);
      }
      processes.throwIfInterrupted();
      const sent = await runStep(processes, workDir, {
        args: ["send", EXAMPLES],
        shown: ["send", EXAMPLES_SHOWN],
      });
      console.log(lastLine(sent.stdout) ?? "(send printed nothing)");
      const consumeArgs = ["consume", "--idle-timeout", String(IDLE_TIMEOUT_SECONDS)];
      summary = summaryLine(
        await runStep(processes, workDir, { args: consumeArgs, shown: consumeArgs }),
      );
    } else {
      console.log(`demo: ${route.reason}: running \`map ${EXAMPLES_SHOWN}\` instead of Kafka`);
      summary = summaryLine(
        await runStep(processes, workDir, {
          args: ["map", EXAMPLES],
          shown: ["map", EXAMPLES_SHOWN],
          // `map` exits 1 when an event failed: the examples' faulty events do, on purpose
          codes: [0, 1],
        }),
      );
    }
    console.log(summary);

    const expected = await expectedEvents(EXAMPLES);
    const readers = realHandle ? realServers : servers;
    const rows = await handleRows(readers, expected);
    console.log();
    printTable(rows, expected.length);
    const first = expected.find((event) => event.profile.name === "cmip7") ?? expected[0];
    if (first === undefined) throw new Error(`no valid event in ${EXAMPLES_SHOWN}`);
    console.log();
    const firstServer = readers.find((server) => server.profile === first.profile)!;
    await printResolved(firstServer.url, first.mapped.dataset.handle);
    console.log();
    await printOutputs(workDir);

    const missing = rows.filter((row) => !row.registered).length;
    if (missing > 0) {
      throw new Error(`${missing} of ${rows.length} expected handles are missing or misplaced`);
    }
    processes.throwIfInterrupted();
    if (realHandle) {
      console.log(
        `demo: registered on real Handle.Net 9.2.0 servers: ${
          realServers.map(({ profile, server }) => `${profile.name} ${server.url}`).join(", ")
        }`,
      );
    }
  } catch (error) {
    console.error(`demo: failed: ${processes.interrupted ?? describeError(error)}`);
    code = 1;
  } finally {
    for (const server of servers) {
      const status = await processes.stop(server.child);
      await server.drained;
      const stopped = server.later.find((line) => line.startsWith("handle-server: stopped"));
      const name = `handle-server ${server.profile.name}`;
      console.log(
        stopped?.replace("handle-server", name) ?? `${name}: exited (code ${status.code})`,
      );
    }
    for (const { profile, server } of realServers) {
      await server[Symbol.asyncDispose]();
      console.log(`Handle.Net ${profile.name}: stopped (${server.url})`);
    }
    if (broker) {
      await broker.stop();
      console.log("kafka: broker stopped");
    }
    await processes.stopAll();
    for (const { signal, listener } of listeners) Deno.removeSignalListener(signal, listener);
    if (keep) {
      console.log(`demo: kept ${workDir}`);
    } else {
      await Deno.remove(workDir, { recursive: true }).catch(() => {});
    }
  }
  return code;
}

/** Picks Kafka (`KAFKA_BOOTSTRAP`, or a local broker when Java and Maven run) or `map`. */
async function chooseRoute(): Promise<Route> {
  const external = Deno.env.get("KAFKA_BOOTSTRAP")?.trim();
  if (external) return { kind: "external", bootstrap: external };
  for (const [tool, flag] of [["java", "-version"], ["mvn", "-v"]]) {
    if (!await runs(tool, [flag])) {
      return { kind: "map", reason: `Java/Maven missing (\`${tool} ${flag}\` failed)` };
    }
  }
  return { kind: "local" };
}

/** Whether a tool is on PATH and exits with 0. */
async function runs(tool: string, args: string[]): Promise<boolean> {
  try {
    const result = await new Deno.Command(tool, {
      args,
      stdin: "null",
      stdout: "null",
      stderr: "null",
    }).output();
    return result.success;
  } catch {
    return false;
  }
}

if (import.meta.main) Deno.exit(await runDemo(Deno.args));
