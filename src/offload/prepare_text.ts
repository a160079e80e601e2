/**
 * The steps an event's text takes before registration that need no I/O: decode,
 * find the project and, for a POST event of a selected project without a version
 * lookup, map it to records. Pure, so that it can run on another thread; the
 * answer is plain data (structured-clonable).
 *
 * @module
 */

import { type DecodedEvent, decodeEvent, type EventLimits } from "../decode/mod.ts";
import { describeError, PermanentError } from "../errors/mod.ts";
import type { ProjectPlugin } from "../projects/types.ts";
import { createProjectPlugin, findProject, type ProjectSettings } from "../projects/mod.ts";
import {
  type MappedEvent,
  recordText,
  registrationOrder,
  type RenderedEvent,
} from "../records/mod.ts";

/** How a thread recreates the plugin of one selected project. */
export interface OffloadProject {
  /** The project's name (a description of `src/projects/`). */
  project: string;
  /** Its `[plugins.NAME]` settings. */
  settings: ProjectSettings;
  /** The Handle prefix of its profile. */
  prefix: string;
  /** Map here (no previous-version lookup, which needs I/O). */
  mapHere: boolean;
}

/** What a preparing thread needs: the event limits and the selected projects, in route order. */
export interface OffloadPlan {
  /** Size and nesting limits of an event. */
  limits: EventLimits;
  /** The selected projects, in the order the router tries them. */
  projects: OffloadProject[];
}

/** The answer for one event's text. */
export type PreparedText =
  /** Not an event: a permanent fault (`internal` for our own bug). */
  | { error: string; internal?: boolean }
  | {
    /** The project the event names. */
    project: string;
    /** The item id (events about the same item keep their order). */
    itemId: string;
    /** The decoded event, when the project is selected but was not mapped here. */
    decoded?: DecodedEvent;
    /**
     * The mapped event with its records as JSON texts, when mapped here: a registrar that
     * writes JSON takes them as they are, and one text clones faster than a record.
     */
    rendered?: RenderedEvent;
    /** Why mapping failed here (a permanent fault of the event; `internal`: our bug). */
    mapError?: { reason: string; internal?: boolean };
  };

/** Prepares event texts by an {@linkcode OffloadPlan}. */
export class TextPreparer {
  readonly #limits: EventLimits;
  readonly #routes: Array<{ plugin: ProjectPlugin; prefix: string; mapHere: boolean }>;

  /** Creates the plugins of the plan's projects. */
  constructor(plan: OffloadPlan) {
    this.#limits = plan.limits;
    this.#routes = plan.projects.map((p) => {
      const description = findProject(p.project);
      if (description === undefined) throw new Error(`unknown project ${p.project}`);
      return {
        plugin: createProjectPlugin(description, p.settings),
        prefix: p.prefix,
        mapHere: p.mapHere,
      };
    });
  }

  /** Decodes, routes and (when it can) maps one event's text; `now` is the mapping clock. */
  prepare(text: string, now: Date): PreparedText {
    let decoded: DecodedEvent;
    try {
      decoded = decodeEvent(text, this.#limits);
    } catch (error) {
      return fault(error);
    }
    const { project, itemId } = decoded;
    const route = this.#routes.find((r) => r.plugin.accepts(project));
    if (route === undefined) return { project, itemId };
    if (decoded.method !== "POST" || !route.mapHere) return { project, itemId, decoded };
    try {
      const mapped: MappedEvent = route.plugin.map(decoded.item, {
        prefix: route.prefix,
        eventTime: decoded.time,
        collectionId: decoded.collectionId,
        now,
      });
      const { dataset: _d, files: _f, ...rest } = mapped;
      const records = registrationOrder(mapped).map(recordText);
      return { project, itemId, rendered: { ...rest, records } };
    } catch (error) {
      const { error: reason, internal } = fault(error);
      return { project, itemId, mapError: { reason, internal } };
    }
  }
}

function fault(error: unknown): { error: string; internal?: boolean } {
  if (error instanceof PermanentError) return { error: error.message };
  return { error: describeError(error), internal: true };
}
