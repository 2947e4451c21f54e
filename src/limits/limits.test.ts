// docs/limits.md lists the table of limits.ts; this fails when the two disagree, and prints the
// rows the docs should have.
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { SCHEMA } from '../config/schema.ts';
import { declaredSettings } from '../config/setting.ts';
import { LIMITS } from './limits.ts';
import type { Amount } from './limits.ts';

const ROOT = resolve(import.meta.dirname, '..', '..');
const BEGIN = '<!-- limits table: begin (src/limits/limits.test.ts checks it against src/limits/limits.ts) -->';
const END = '<!-- limits table: end -->';

/** The setting's environment variable and default, from the one configuration schema. */
function declared(path: string): { env: string; default: unknown } {
  const found = declaredSettings(SCHEMA).find((entry) => entry.path === path);
  assert.ok(found, `limits.ts names a setting the configuration schema lacks: ${path}`);
  return { env: found.spec.env, default: found.spec.default };
}

function amount(value: Amount | null, unit: string): string {
  if (value === null) return '—';
  if (typeof value === 'number') return `${value}${unit} (fixed)`;
  const setting = declared(value.setting);
  return `\`${setting.env}\` (default ${String(setting.default)}${unit})`;
}

function rows(): string[] {
  return [
    '| Limit | Protects against | Counted per | Window | Cap | At the cap | Counted by | Enforced in |',
    '| --- | --- | --- | --- | --- | --- | --- | --- |',
    ...Object.entries(LIMITS).map(([name, limit]) => `| \`${name}\` | ${limit.protects} | ${limit.key} | ${amount(limit.windowSeconds, ' s')} | ${amount(limit.cap, '')} | ${limit.atCap} | ${limit.countedBy === 'counters' ? 'rate limiter (store counters)' : `stored ${limit.countedBy}`} | \`${limit.enforcedIn}\` |`),
  ];
}

describe('the table of limits', () => {
  it('is listed in docs/limits.md as limits.ts has it', () => {
    const doc = readFileSync(resolve(ROOT, 'docs/limits.md'), 'utf8');
    const begin = doc.indexOf(BEGIN);
    const end = doc.indexOf(END);
    assert.ok(begin >= 0 && end > begin, `docs/limits.md lacks the markers ${BEGIN} … ${END}`);
    const listed = doc.slice(begin + BEGIN.length, end).trim().split('\n');
    assert.deepEqual(listed, rows(), `docs/limits.md is stale; its table should read:\n${rows().join('\n')}`);
  });

  it('names files that exist', () => {
    for (const limit of Object.values(LIMITS)) assert.ok(readFileSync(resolve(ROOT, limit.enforcedIn), 'utf8').length > 0, limit.enforcedIn);
  });
});
