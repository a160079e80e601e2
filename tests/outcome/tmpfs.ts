/**
 * A small file system for the tests of a full disk: a tmpfs mounted when the tests run
 * as root on Linux (else undefined), and a filler that takes all its room.
 *
 * @module
 */

import { join } from "node:path";

/** Mounts a tmpfs of `size` at a new folder; undefined when this process cannot mount. */
export async function mountTmpfs(
  size: string,
  options: { readOnly?: boolean; at?: string } = {},
): Promise<{ dir: string; unmount(): Promise<void> } | undefined> {
  if (Deno.build.os !== "linux" || Deno.uid() !== 0) return undefined;
  const dir = options.at ?? await Deno.makeTempDir({ prefix: "piddi-tmpfs-" });
  await Deno.mkdir(dir, { recursive: true });
  const mounted = await new Deno.Command("mount", {
    args: ["-t", "tmpfs", "-o", `size=${size}${options.readOnly ? ",ro" : ""}`, "tmpfs", dir],
    stdout: "null",
    stderr: "null",
  }).output();
  if (!mounted.success) {
    if (options.at === undefined) await Deno.remove(dir);
    return undefined;
  }
  return {
    dir,
    async unmount(): Promise<void> {
      await new Deno.Command("umount", { args: [dir] }).output();
      await Deno.remove(dir, { recursive: true });
    },
  };
}

/** Fills a folder's file system until it is full; returns the filler's path. */
export async function fill(dir: string): Promise<string> {
  const path = join(dir, "filler");
  const file = await Deno.open(path, { create: true, write: true });
  try {
    const chunk = new Uint8Array(1024).fill(120);
    for (;;) await file.write(chunk);
  } catch {
    // full
  } finally {
    file.close();
  }
  return path;
}
