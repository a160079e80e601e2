/**
 * The entry of a preparing thread: takes an {@linkcode OffloadPlan}, then batches of
 * event texts, and answers each batch with its {@linkcode PreparedText}s in order.
 *
 * @module
 */

/// <reference no-default-lib="true" />
/// <reference lib="deno.worker" />

import { type OffloadPlan, type PreparedText, TextPreparer } from "./prepare_text.ts";

/** A message to the thread: the plan (first), or a batch. */
export type ToWorker = { plan: OffloadPlan } | { batch: number; texts: string[] };

/** A message from the thread: a batch's answers, or why the plan could not be taken. */
export type FromWorker = { batch: number; results: PreparedText[] } | { planError: string };

let preparer: TextPreparer | undefined;

self.onmessage = (message: MessageEvent<ToWorker>): void => {
  const data = message.data;
  if ("plan" in data) {
    try {
      preparer = new TextPreparer(data.plan);
    } catch (error) {
      self.postMessage({ planError: String(error) } satisfies FromWorker);
    }
    return;
  }
  const now = new Date();
  const results = data.texts.map((text) => preparer!.prepare(text, now));
  self.postMessage({ batch: data.batch, results } satisfies FromWorker);
};
