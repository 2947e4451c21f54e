import Bowser from 'bowser';
import { withoutControlCharacters } from '../names.ts';

/** "Chrome 156 on Windows": what a user recognises a browser by (User-Agent parsed by bowser). */
export function browserLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split('.')[0];
  const browser = [parsed.browser.name ?? 'Browser', major].filter(Boolean).join(' ');
  // The User-Agent is the client's to write: its label is a name like any other (names.ts).
  return withoutControlCharacters(parsed.os.name ? `${browser} on ${parsed.os.name}` : browser);
}
