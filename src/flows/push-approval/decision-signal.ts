// Wakes a browser's waiting page (the server-sent events of routes.ts) soon after its approval is
// decided, instead of at the page's next read of the store: the read every second was most of
// "phone approved → browser signed in" (0–1 s, half a second on average).
// - Decided in this process: woken at once (`wake`, called by ApprovalService).
// - Decided in another process (behind a load balancer the phone's answer and the PC's page rarely
//   reach the same one): while any page waits here, one read every `everyMs` asks the store which
//   of the approvals waited on are still pending, and wakes the others. One read per process per
//   tick however many pages wait, none when nobody waits; there is no cross-process notification
//   on FerretDB (no change streams), and this keeps MongoDB's too out of the store contract.
export interface DecisionWatch {
  /** How often to ask while some page waits. */
  everyMs: number;
  /** Which of these approvals are still pending (ApprovalRepository.pendingAmong). */
  stillPending(ids: readonly string[]): Promise<Set<string>>;
  /** A failed read (the database is away): the pages' own reads say so; this only logs. */
  onError(err: unknown): void;
}

/**
 * At most this many approvals per read: a read stays one bounded query however many streams are
 * open (a stranger may open many, each for an approval that is not theirs: those end at once, but
 * their waits last until they time out). Beyond it, pages still see decisions at their own reads.
 */
const MOST_PER_READ = 500;

export class DecisionSignal {
  readonly #waiting = new Map<string, Set<() => void>>();
  readonly #watch: DecisionWatch | undefined;
  #timer: NodeJS.Timeout | undefined;
  #reading = false;

  constructor(watch?: DecisionWatch) {
    this.#watch = watch;
  }

  /** Resolves when the approval is decided (here, or seen decided by the watch), or after `ms`, whichever comes first. */
  wait(approvalId: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      let waiters = this.#waiting.get(approvalId);
      if (!waiters) {
        waiters = new Set();
        this.#waiting.set(approvalId, waiters);
      }
      const set = waiters;
      const done = (): void => {
        clearTimeout(timer);
        set.delete(done);
        if (set.size === 0 && this.#waiting.get(approvalId) === set) this.#waiting.delete(approvalId);
        resolve();
      };
      const timer = setTimeout(done, ms);
      set.add(done);
      this.#startWatching();
    });
  }

  wake(approvalId: string): void {
    for (const done of [...this.#waiting.get(approvalId) ?? []]) done();
  }

  /** Approvals someone is waiting for (nothing is kept once the waits end). */
  get size(): number {
    return this.#waiting.size;
  }

  #startWatching(): void {
    if (!this.#watch || this.#timer) return;
    // unref: a page waiting never keeps a stopping process alive.
    this.#timer = setInterval(() => void this.#look(), this.#watch.everyMs).unref();
  }

  async #look(): Promise<void> {
    const watch = this.#watch!;
    if (this.#waiting.size === 0) {
      clearInterval(this.#timer);
      this.#timer = undefined;
      return;
    }
    // A slow read is not stacked on by the next tick.
    if (this.#reading) return;
    this.#reading = true;
    try {
      const ids = [...this.#waiting.keys()].slice(0, MOST_PER_READ);
      const pending = await watch.stillPending(ids);
      for (const id of ids) if (!pending.has(id)) this.wake(id);
    } catch (err) {
      watch.onError(err);
    } finally {
      this.#reading = false;
    }
  }
}
