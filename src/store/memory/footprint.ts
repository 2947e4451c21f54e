// What a memory repository holds, for the soak bench (bench/server.ts asks over IPC): how many
// records and roughly how many bytes. The bytes are the records' JSON length, a floor on what V8
// spends (objects, Maps and indexes add their overhead): good to compare models and to see what
// grows with every sign-in, not an exact heap figure. Walking every record costs time, so only
// the bench calls it, never a request.

export interface Footprint {
  records: number;
  /** The records' JSON length in characters (≈ bytes: the data is ASCII). */
  bytes: number;
}

export function footprintOf(records: Iterable<unknown>): Footprint {
  let count = 0;
  let bytes = 0;
  for (const record of records) {
    count += 1;
    bytes += JSON.stringify(record)?.length ?? 0;
  }
  return { records: count, bytes };
}
