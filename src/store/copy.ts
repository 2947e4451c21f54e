// A deep copy of a stored record, for stores and caches that must hand out copies (a caller may
// change what it gets; the stored record must not change with it). Records are JSON-like: plain
// objects, arrays, Dates, primitives. Those are copied here directly, several times faster than
// structuredClone, which serialises and deserialises every value (a few per cent of a sign-in's
// CPU on the memory store); anything else (typed arrays, Maps, ...) goes to structuredClone, so
// the result is what structuredClone gives.
export function copyRecord<T>(value: T): T {
  return copy(value) as T;
}

function copy(value: unknown): unknown {
  if (typeof value !== 'object' || value === null) return value;
  if (Array.isArray(value)) return value.map(copy);
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto === Object.prototype || proto === null) {
    const source = value as Record<string, unknown>;
    const out: Record<string, unknown> = {};
    for (const key of Object.keys(source)) {
      // An own "__proto__" key (JSON.parse makes them) stays a key, as structuredClone keeps it.
      if (key === '__proto__') Object.defineProperty(out, key, { value: copy(source[key]), enumerable: true, writable: true, configurable: true });
      else out[key] = copy(source[key]);
    }
    return out;
  }
  if (value instanceof Date) return new Date(value.getTime());
  return structuredClone(value);
}
