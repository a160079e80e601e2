/**
 * {@linkcode PassedChecks}: the URL and host checks of `text_rules.ts` with a memory of the
 * texts that passed them, for the many files of one event.
 *
 * @module
 */

import {
  hostProblem,
  isPlainHttpUrl,
  MAX_PLAIN_URL,
  parsedUrlProblem,
  PLAIN_REST,
  plainUrlStem,
} from "./text_rules.ts";

/** How many of the last URLs that passed {@linkcode PassedChecks} keeps. */
const RECENT_URLS = 4;

/**
 * Host names that passed {@linkcode hostProblem}, for every event of the process: data nodes
 * are few and come back in every event. Emptied when full, so that hostile names cannot grow it.
 */
const PASSED_HOSTS = new Set<string>();
const PASSED_HOSTS_MAX = 4096;

/**
 * The URL and host checks above with a memory of texts that passed them. Each check is a
 * pure function of its text, so a text equal to one that passed passes again without a
 * second scan; a failure is worked out (with its reason) every time. A URL is checked where it
 * is read and again soon after, in its record: the last few URLs that passed are kept (found
 * by comparison, no hashing of long texts). The heads of the last few plain URLs up to their
 * last `/` are kept too (see `plainUrlStem`): a URL with such a head needs only its rest
 * scanned, and the files of a dataset share their folder. Hosts are kept for the process
 * (bounded). Meant to live for one event.
 */
export class PassedChecks {
  #recentUrls: string[] = [];
  #next = 0;
  #stems: string[] = [];
  #nextStem = 0;

  /** {@linkcode urlProblem}, remembered. */
  url(text: string): string | undefined {
    const recent = this.#recentUrls;
    for (let i = 0; i < recent.length; i++) if (recent[i] === text) return undefined;
    let problem: string | undefined;
    if (!this.#hasStem(text)) {
      if (isPlainHttpUrl(text)) this.#keepStem(text);
      else problem = parsedUrlProblem(text);
    }
    if (problem === undefined) {
      recent[this.#next] = text;
      this.#next = (this.#next + 1) % RECENT_URLS;
    }
    return problem;
  }

  /** {@linkcode hostProblem}, remembered (for the process: see `PASSED_HOSTS`). */
  host(text: string): string | undefined {
    if (PASSED_HOSTS.has(text)) return undefined;
    const problem = hostProblem(text);
    if (problem === undefined) {
      if (PASSED_HOSTS.size >= PASSED_HOSTS_MAX) PASSED_HOSTS.clear();
      PASSED_HOSTS.add(text);
    }
    return problem;
  }

  /** Whether a text (not over the shortcut's length) is a kept stem and a plain rest. */
  #hasStem(text: string): boolean {
    if (text.length > MAX_PLAIN_URL) return false;
    const stems = this.#stems;
    for (let i = 0; i < stems.length; i++) {
      const stem = stems[i];
      if (
        text.length >= stem.length && text.slice(0, stem.length) === stem &&
        PLAIN_REST.test(text.slice(stem.length))
      ) return true;
    }
    return false;
  }

  #keepStem(text: string): void {
    const stem = plainUrlStem(text);
    if (stem === undefined) return;
    this.#stems[this.#nextStem] = stem;
    this.#nextStem = (this.#nextStem + 1) % RECENT_URLS;
  }
}
