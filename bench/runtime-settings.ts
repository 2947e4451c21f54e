// The runtime settings production runs with, read from the Dockerfile itself so the bench and the
// image cannot drift apart: every variable the final stage sets with ENV, except those the bench
// sets for itself (NODE_ENV: the memory store refuses production; PORT: each server its own).
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

/** The ENV variables of the Dockerfile's last stage, continuation lines joined. */
export function dockerRuntimeEnv(dockerfile = readFileSync(DOCKERFILE, 'utf8')): Record<string, string> {
  const lines = dockerfile.replace(/\\\r?\n/g, ' ').split(/\r?\n/).map((l) => l.trim());
  const lastFrom = lines.findLastIndex((l) => /^FROM\s/i.test(l));
  const env: Record<string, string> = {};
  for (const line of lines.slice(lastFrom + 1)) {
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

/** `KEY=value KEY=value`, for the bench's header. */
export function describeEnv(env: Record<string, string>): string {
  return Object.entries(env).map(([k, v]) => `${k}=${v}`).join(' ');
}
