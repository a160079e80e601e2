/**
 * The offsets of one Kafka partition as the input hands its events out: delivered,
 * acknowledged (in any order), and the offset that may be committed (the end of the
 * acknowledged prefix).
 *
 * @module
 */

/** Offsets of one partition: delivered, acknowledged, committed. */
export class PartitionTracker {
  /** The topic. */
  readonly topic: string;
  /** The partition. */
  readonly partition: number;
  #pending: bigint[] = [];
  #done = new Set<bigint>();
  #committable?: bigint;
  #committed?: bigint;
  #first?: bigint;
  /** The high watermark of the last fetched batch. */
  highWatermark?: bigint;

  /** A tracker of `topic`'s partition `partition`, nothing delivered yet. */
  constructor(topic: string, partition: number) {
    this.topic = topic;
    this.partition = partition;
  }

  /** An event was handed out (offsets rise in delivery order). */
  deliver(offset: bigint): void {
    this.#first ??= offset;
    this.#pending.push(offset);
  }

  /** An event is done; the acknowledged prefix moves on as far as it can. */
  ack(offset: bigint): void {
    this.#done.add(offset);
    while (this.#pending.length > 0 && this.#done.has(this.#pending[0])) {
      const head = this.#pending.shift()!;
      this.#done.delete(head);
      this.#committable = head + 1n;
    }
  }

  /** Whether every delivered event is acknowledged. */
  get drained(): boolean {
    return this.#pending.length === 0;
  }

  /** Whether an event delivered before `offset` is not yet acknowledged. */
  pendingBefore(offset: bigint): boolean {
    return this.#pending.length > 0 && this.#pending[0] < offset;
  }

  /** Forgets what was delivered but not acknowledged (the partition is being given up). */
  abandon(): void {
    this.#pending = [];
    this.#done.clear();
  }

  /** The offset to commit, if it moved since the last commit. */
  take(): string | undefined {
    if (this.#committable === undefined || this.#committable === this.#committed) return undefined;
    return this.#committable.toString();
  }

  /** `offset` was committed. */
  committed(offset: string): void {
    this.#committed = BigInt(offset);
  }

  /** The committed position; without commits (dry run) the acknowledged one; else where reading began. */
  position(commits: boolean): bigint | undefined {
    return (commits ? this.#committed : this.#committable) ?? this.#first;
  }
}
