// What limits count per, when it is not an id: an e-mail address or a source address. Both are
// turned into a subject that names neither in the store's counters.
import { createHash } from 'node:crypto';
import { isIPv4, isIPv6 } from 'node:net';

function digest(text: string): string {
  return createHash('sha256').update(text).digest('base64url').slice(0, 32);
}

/** An e-mail address as typed, normalised and hashed: the counters never hold the address itself. */
export function addressSubject(email: string): string {
  return digest(`address\n${email.trim().toLowerCase()}`);
}

/** Eight hextets of an IPv6 address, with `::` expanded (an embedded IPv4 tail counts as two). */
function hextets(address: string): string[] {
  const [head = '', tail] = address.split('::');
  const part = (text: string): string[] => text ? text.split(':').flatMap((piece) => isIPv4(piece) ? ['v4', 'v4'] : [piece]) : [];
  const front = part(head);
  const back = tail === undefined ? [] : part(tail);
  return [...front, ...Array<string>(Math.max(0, 8 - front.length - back.length)).fill('0'), ...back];
}

/** 127.0.0.0/8 and ::1: this host itself. */
function isLoopback(address: string): boolean {
  return (isIPv4(address) && address.startsWith('127.')) || (isIPv6(address) && hextets(address).every((h, i) => (i < 7 ? /^0+$/.test(h) : /^0*1$/.test(h))));
}

/**
 * Where a request came from, for a per-source limit: an IPv4 address (an IPv4-mapped IPv6 one as
 * IPv4), or an IPv6 address's /64, which one host or household usually holds whole.
 *
 * Undefined for a loopback address, which is never a client's own: it is a proxy on this host
 * whose forwarded address tobira was not told to trust (TRUST_PROXY), or a local test. Counting it
 * would make each per-source limit one limit for everybody, which a stranger could spend for all.
 */
export function sourceSubject(ip: string | null | undefined): string | undefined {
  const address = (ip ?? '').trim().replace(/^::ffff:(?=\d+\.\d+\.\d+\.\d+$)/i, '');
  if (isLoopback(address)) return undefined;
  if (isIPv4(address)) return digest(`ipv4\n${address}`);
  if (isIPv6(address)) return digest(`ipv6\n${hextets(address.toLowerCase().replace(/%.*$/, '')).slice(0, 4).map((h) => h.replace(/^0+(?=.)/, '')).join(':')}`);
  return digest(`unknown\n${address}`);
}
