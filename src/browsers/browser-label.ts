import Bowser from 'bowser';

/** "Chrome 156 on Windows": what a user recognises a browser by (User-Agent parsed by bowser). */
export function browserLabel(userAgent: string | undefined): string {
  if (!userAgent) return 'Unknown browser';
  const parsed = Bowser.parse(userAgent);
  const major = parsed.browser.version?.split('.')[0];
  const browser = [parsed.browser.name ?? 'Browser', major].filter(Boolean).join(' ');
  return parsed.os.name ? `${browser} on ${parsed.os.name}` : browser;
}
