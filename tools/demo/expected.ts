/**
 * What the demo expects to be registered: the example events as their projects map them,
 * each with the Handle profile whose server should hold its records.
 *
 * @module
 */

import { decodeEvent } from "../../src/decode/mod.ts";
import { readEventFile } from "../../src/inputs/files.ts";
import { expandPaths } from "../../src/inputs/paths.ts";
import { createProjectPlugin, findProject } from "../../src/projects/mod.ts";
import type { MappedEvent } from "../../src/records/mod.ts";
import { type DemoProfile, PROFILES } from "./setup.ts";

/** An example event as its project maps it, and the profile it is registered on. */
export interface ExpectedEvent {
  /** The event's records as its project maps them. */
  mapped: MappedEvent;
  /** The profile whose server should hold them. */
  profile: DemoProfile;
}

/**
 * The events of the examples as their projects map them, in file order; events that do
 * not decode, belong to no known project or do not map are left out.
 */
export async function expectedEvents(dir: string): Promise<ExpectedEvent[]> {
  const out: ExpectedEvent[] = [];
  for (const file of await expandPaths([dir])) {
    for await (const event of readEventFile(file)) {
      try {
        const decoded = decodeEvent(event.value);
        const project = findProject(decoded.project);
        if (decoded.method !== "POST" || project === undefined) continue;
        const profile = PROFILES.find((p) => p.projects.includes(project.name))!;
        const mapped = createProjectPlugin(project).map(decoded.item, {
          prefix: profile.prefix,
          eventTime: decoded.time,
          collectionId: decoded.collectionId,
          now: new Date(),
        });
        out.push({ mapped, profile });
      } catch {
        // Not a valid event: the pipeline records it as a failure, it registers nothing.
      }
    }
  }
  return out;
}
