// The last step of `npm run screenshots`: refreshes the pictures the README and docs show
// (docs/screenshots/) from the ones the browser suites just took (test-output/screenshots/).
// Only names already in docs/screenshots/ are copied, so the documents' links stay as they are; a
// picture the run did not take is reported, and the command fails, rather than left stale silently.
import { copyFileSync, existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';

const TAKEN = 'test-output/screenshots';
const SHOWN = 'docs/screenshots';

const wanted = readdirSync(SHOWN).filter((name) => name.endsWith('.png')).sort();
const missing = wanted.filter((name) => !existsSync(join(TAKEN, name)));
for (const name of wanted) if (!missing.includes(name)) copyFileSync(join(TAKEN, name), join(SHOWN, name));
console.log(`refreshed ${wanted.length - missing.length} of ${wanted.length} pictures in ${SHOWN}/ from ${TAKEN}/`);
if (missing.length > 0) {
  console.error(`not taken by the browser suites, left as they were: ${missing.join(', ')}`);
  process.exitCode = 1;
}
