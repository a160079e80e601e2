/**
 * A reader of the Prometheus text format for the tests' scrapes (the oracle of what
 * `/metrics` says is the text itself; this only finds samples in it).
 */

/** One sample: metric name, labels and value. */
export interface Sample {
  /** Metric name, with suffix (`_bucket`, `_count`, …). */
  name: string;
  /** Labels. */
  labels: Record<string, string>;
  /** Value. */
  value: number;
}

/** Every sample of an exposition text. */
export function parseSamples(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split("\n")) {
    if (!line || line.startsWith("#")) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})?\s+(\S+)/.exec(line);
    if (!match) throw new Error(`not a sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? "").matchAll(/(\w+)="((?:[^"\\]|\\.)*)"/g)) {
      labels[key] = value;
    }
    samples.push({ name: match[1], labels, value: Number(match[3]) });
  }
  return samples;
}

/** The sum of the samples named `name` whose labels include `labels`. */
export function sum(
  samples: Sample[],
  name: string,
  labels: Record<string, string> = {},
): number {
  return samples.filter((s) =>
    s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v)
  ).reduce((total, s) => total + s.value, 0);
}

/** Scrapes `/metrics` of an endpoint. */
export async function scrape(base: string): Promise<Sample[]> {
  const response = await fetch(`${base}/metrics`);
  if (response.status !== 200) throw new Error(`/metrics: HTTP ${response.status}`);
  return parseSamples(await response.text());
}

/** A free port on 127.0.0.1 (free when asked; the caller binds it soon after). */
export function freePort(): number {
  const listener = Deno.listen({ hostname: "127.0.0.1", port: 0 });
  const port = (listener.addr as Deno.NetAddr).port;
  listener.close();
  return port;
}
