// Writes docs/configuration.md from src/config/schema.ts (`npm run docs:config`).
import { writeFileSync } from 'node:fs';
import { resolve } from 'node:path';
import { PROJECT_ROOT } from '../src/config/settings.ts';
import { configurationReference, REFERENCE_FILE } from '../src/config/reference.ts';

const file = resolve(PROJECT_ROOT, REFERENCE_FILE);
writeFileSync(file, configurationReference());
console.log(`wrote ${REFERENCE_FILE}`);
