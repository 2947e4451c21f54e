// libphonenumber-js with its full metadata costs ≈ 15 MB of RSS once loaded, and only the pages and
// services that show or check a phone number need it: it is loaded on first use (synchronously,
// since formatting happens while a view renders), not at start.
import { createRequire } from 'node:module';

type PhoneLibrary = typeof import('libphonenumber-js/max');

const load = createRequire(import.meta.url);
let library: PhoneLibrary | undefined;

export function phoneLibrary(): PhoneLibrary {
  library ??= load('libphonenumber-js/max') as PhoneLibrary;
  return library;
}
