import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { configurationReference, REFERENCE_COMMAND, REFERENCE_FILE } from '../../src/config/reference.ts';
import { SCHEMA } from '../../src/config/schema.ts';
import { declaredSettings } from '../../src/config/setting.ts';
import { PROJECT_ROOT } from '../../src/config/settings.ts';

describe('configuration reference', () => {
  const generated = configurationReference();

  it(`${REFERENCE_FILE} is what the schema generates`, () => {
    const committed = readFileSync(resolve(PROJECT_ROOT, REFERENCE_FILE), 'utf8');
    assert.ok(committed === generated, `${REFERENCE_FILE} is stale: run \`${REFERENCE_COMMAND}\` and commit the result`);
  });

  it('has one row per setting, with its variable, path and default', () => {
    for (const { path, spec } of declaredSettings(SCHEMA)) {
      const rows = generated.split('\n').filter((line) => line.startsWith(`| \`${spec.env}\` |`));
      assert.equal(rows.length, 1, `${spec.env} should have exactly one row`);
      if (!spec.envOnly) assert.ok(rows[0]?.includes(`\`${path}\``), `${spec.env} row names ${path}`);
    }
    assert.match(generated, /\| `PUSH_APPROVAL_TTL` \| `push\.approvalTtlSeconds` \| seconds, 30–600 \(10 minutes\) \| `120` \(2 minutes\) \|/);
  });
});

describe('docs/security.md', () => {
  it('names only tests and source files that exist', () => {
    const text = readFileSync(resolve(PROJECT_ROOT, 'docs/security.md'), 'utf8');
    const named = [...new Set(text.match(/(?:test|src)\/[A-Za-z0-9/._-]+\.ts/g) ?? [])];
    assert.ok(named.length >= 10, 'the page names the tests that show each point');
    for (const path of named) assert.ok(existsSync(resolve(PROJECT_ROOT, path)), `${path} exists`);
  });
});
