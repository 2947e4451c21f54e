// Makes arbitrary JSON-like values storable as BSON documents on every server we support, and
// restores them exactly.
//
// oidc-provider payloads use client ids and resource URLs as object keys (Session.authorizations,
// Grant.resources), and clients can send arbitrary JSON (authorization_details). FerretDB refuses
// keys containing '.' or starting with '$', and arrays directly inside arrays:
//   invalid key: "client.id" (key must not contain '.' sign)
//   invalid key: "$x" (key must not start with '$' sign)
//   invalid value: { "a": [ 1, { b: 2 }, [ 3 ] ] } (nested arrays are not supported)
// So such keys are percent-escaped and inner arrays are wrapped. Keys without those characters,
// like grantId, uid and userCode, are stored unchanged, which keeps them queryable and indexable.
//
// Like JSON, object properties whose value is undefined are dropped and undefined array elements
// become null (BSON has no undefined). Dates and binary values pass through untouched.

/** An escaped key always has two hex digits after '%', so this key can never come from data. */
const INNER_ARRAY_KEY = '%a';

function escapeKey(key: string): string {
  return key.replace(/[%.\0]|^\$/g, (char) => `%${char.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function unescapeKey(key: string): string {
  return key.replace(/%([0-9A-F]{2})/g, (_match, hex: string) => String.fromCharCode(Number.parseInt(hex, 16)));
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (typeof value !== 'object' || value === null) return false;
  const proto: unknown = Object.getPrototypeOf(value);
  return proto === Object.prototype || proto === null;
}

function encodeArray(items: readonly unknown[]): unknown[] {
  return items.map((item) => {
    if (item === undefined) return null;
    if (Array.isArray(item)) return { [INNER_ARRAY_KEY]: encodeArray(item) };
    return encode(item);
  });
}

export function encode(value: unknown): unknown {
  if (Array.isArray(value)) return encodeArray(value);
  if (!isPlainObject(value)) return value;
  const out: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (item !== undefined) out[escapeKey(key)] = encode(item);
  }
  return out;
}

export function decode(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(decode);
  if (!isPlainObject(value)) return value;
  const keys = Object.keys(value);
  if (keys.length === 1 && keys[0] === INNER_ARRAY_KEY && Array.isArray(value[INNER_ARRAY_KEY])) {
    return decode(value[INNER_ARRAY_KEY]);
  }
  const out: Record<string, unknown> = {};
  for (const key of keys) out[unescapeKey(key)] = decode(value[key]);
  return out;
}
