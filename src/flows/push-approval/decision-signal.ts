// Wakes a browser's waiting page (the server-sent events of routes.ts) the moment this process
// decides its approval, instead of at the page's next read of the store: the read every second
// was most of "phone approved → browser signed in" (0–1 s, half a second on average). An approval
// decided by another process is still seen at the next read; this only shortens the local case.
export class DecisionSignal {
  readonly #waiting = new Map<string, Set<() => void>>();

  /** Resolves when `wake(approvalId)` is called here, or after `ms`, whichever comes first. */
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
    });
  }

  wake(approvalId: string): void {
    for (const done of [...this.#waiting.get(approvalId) ?? []]) done();
  }

  /** Approvals someone is waiting for (nothing is kept once the waits end). */
  get size(): number {
    return this.#waiting.size;
  }
}
