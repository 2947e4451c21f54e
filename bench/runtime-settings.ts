// The runtime settings production runs with, read from the Dockerfile itself so the bench and the
// image cannot drift apart: every variable the final stage sets with ENV, except those the bench
// sets for itself (NODE_ENV: the memory store refuses production; PORT: each server its own), and
// the node flags of its CMD (V8 flags NODE_OPTIONS does not allow go there).
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

const DOCKERFILE = join(import.meta.dirname, '..', 'Dockerfile');
/** Set by the bench per server, not copied from the image. */
const BENCH_OWNS = new Set(['NODE_ENV', 'PORT']);

/** `KEY=value` pairs of one ENV instruction (the `ENV KEY value` form sets a single variable). */
function pairsOf(instruction: string): Array<[string, string]> {
  const body = instruction.replace(/^ENV\s+/i, '').trim();
  if (!/^[A-Za-z_][A-Za-z0-9_]*=/.test(body)) {
    const [key = '', ...rest] = body.split(/\s+/);
    return [[key, rest.join(' ')]];
  }
  const pairs: Array<[string, string]> = [];
  for (const match of body.matchAll(/([A-Za-z_][A-Za-z0-9_]*)=("(?:[^"\\]|\\.)*"|\S*)/g)) {
    const raw = match[2] ?? '';
    pairs.push([match[1] ?? '', raw.startsWith('"') ? raw.slice(1, -1).replace(/\\(.)/g, '$1') : raw]);
  }
  return pairs;
}

/** The instructions of the Dockerfile's last stage, one a line (continuation lines joined). */
function lastStage(dockerfile: string): string[] {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim());
  return lines.slice(lines.findLastIndex((l) => /^FROM\s/i.test(l)) + 1);
}

/** The ENV variables of the Dockerfile's last stage. */
export function dockerRuntimeEnv(dockerfile = readFileSync(DOCKERFILE, 'utf8')): Record<string, string> {
  const env: Record<string, string> = {};
  for (const line of lastStage(dockerfile)) {
    if (!/^ENV\s/i.test(line)) continue;
    for (const [key, value] of pairsOf(line)) if (!BENCH_OWNS.has(key)) env[key] = value;
  }
  return env;
}

/**
 * The environment a bench server gets on top of the bench's own: the image's settings, with
 * NODE_OPTIONS joined to any the caller already has (the image's last, so they win).
 */
export function productionRuntimeEnv(inherited: NodeJS.ProcessEnv = process.env): Record<string, string> {
  const env = dockerRuntimeEnv();
  if (env.NODE_OPTIONS !== undefined && inherited.NODE_OPTIONS) env.NODE_OPTIONS = `${inherited.NODE_OPTIONS} ${env.NODE_OPTIONS}`;
  return env;
}

/** The node flags of the last stage's CMD (exec form): what comes between `node` and the script. */
export function dockerNodeFlags(dockerfile = readFileSync(DOCKERFILE, 'utf8')): string[] {
  const cmd = lastStage(dockerfile).findLast((l) => /^CMD\s/i.test(l));
  if (!cmd) return [];
  const argv = JSON.parse(cmd.replace(/^CMD\s+/i, '')) as unknown;
  if (!Array.isArray(argv) || argv[0] !== 'node') throw new Error(`the Dockerfile's CMD is not ["node", ...]: ${cmd}`);
  return argv.slice(1).filter((arg): arg is string => typeof arg === 'string' && arg.startsWith('--'));
}

/** `KEY=value KEY=value`, for the bench's header. */
export function describeEnv(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
}
