// The zxcvbn strength estimate, bounded and off the event loop. Measured on this code (2 shared
// cores): zxcvbn's cost grows faster than the length, and its l33t matcher tries every
// substitution, so one 256-character `p@55w0rd`×32 took 2.6–12.6 s and held every other request
// that long. Two bounds, chosen from those measurements:
// - only the first ESTIMATE_OPTIONS.maxLength characters are estimated (a password that is strong
//   in its first 64 characters is strong; one that is weak there, e.g. `a`×256, stays weak), and
//   at most 12 l33t substitutions are tried: together 40–150 ms for the worst inputs found, where
//   64 characters with the default 100 substitutions still took 0.6–1 s;
// - the estimate runs in one worker thread, so even those milliseconds never hold the process:
//   sign-in, /healthz and every other request go on while passwords are judged. Checks queue in
//   the worker; the callers count or limit them before they get there (password-policy.ts).
import { Worker } from 'node:worker_threads';

/** zxcvbn options that bound the estimate's time (see above). */
export const ESTIMATE_OPTIONS = { maxLength: 64, l33tMaxSubstitutions: 12 } as const;

export interface StrengthQuestion {
  id: number;
  password: string;
  personal: string[];
}

export type StrengthAnswer =
  | ({ id: number } & StrengthEstimate)
  | { id: number; error: string };

export interface StrengthEstimate {
  score: number;
  /** zxcvbn's translation keys. */
  warning: string | null;
  suggestions: string[];
  /**
   * zxcvbn's own English texts for those keys, from the worker: its dictionaries (~20 MB of heap)
   * are loaded there only, never in the main thread.
   */
  english: { warning: string | null; suggestions: string[] };
}

interface Pending {
  resolve: (estimate: StrengthEstimate) => void;
  reject: (err: Error) => void;
}

let worker: Worker | undefined;
let nextId = 1;
const pending = new Map<number, Pending>();

function failAll(err: Error): void {
  for (const waiting of pending.values()) waiting.reject(err);
  pending.clear();
  worker = undefined;
}

function theWorker(): Worker {
  if (worker) return worker;
  const started = new Worker(new URL('./password-strength-worker.ts', import.meta.url));
  // Idle, the worker must not keep the process alive; busy, it must (ref'd while a check waits).
  started.unref();
  started.on('message', (answer: StrengthAnswer) => {
    const waiting = pending.get(answer.id);
    if (!waiting) return;
    pending.delete(answer.id);
    if (pending.size === 0) started.unref();
    if ('error' in answer) waiting.reject(new Error(`password strength estimate failed: ${answer.error}`));
    else waiting.resolve({ score: answer.score, warning: answer.warning, suggestions: answer.suggestions, english: answer.english });
  });
  started.on('error', (err) => failAll(err));
  started.on('exit', (code) => {
    if (worker === started) failAll(new Error(`password strength worker exited (${code})`));
  });
  worker = started;
  return started;
}

/** zxcvbn's estimate of `password` with the user's own words, in the worker thread. */
export function estimateStrength(password: string, personal: readonly string[]): Promise<StrengthEstimate> {
  const id = nextId;
  nextId += 1;
  return new Promise<StrengthEstimate>((resolve, reject) => {
    pending.set(id, { resolve, reject });
    const current = theWorker();
    current.ref();
    current.postMessage({ id, password, personal: [...personal] } satisfies StrengthQuestion);
  });
}
