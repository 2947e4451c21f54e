// The waiting page's server-sent events as a browser's EventSource receives them, one event at a time.
import assert from 'node:assert/strict';

/** Reads a server-sent event stream as it arrives; `next()` gives the next event's data. */
export async function openEvents(url: string, cookie: string): Promise<{ next(): Promise<string | undefined>; close(): void }> {
  const controller = new AbortController();
  const res = await fetch(url, { headers: { accept: 'text/event-stream', cookie }, signal: controller.signal });
  assert.equal(res.status, 200);
  const reader = res.body!.pipeThrough(new TextDecoderStream()).getReader();
  let buffered = '';
  return {
    async next() {
      for (;;) {
        const end = buffered.indexOf('\n\n');
        if (end >= 0) {
          const event = buffered.slice(0, end);
          buffered = buffered.slice(end + 2);
          return /^data: (.*)$/m.exec(event)?.[1];
        }
        const { value, done } = await reader.read();
        if (done) return undefined;
        buffered += value;
      }
    },
    close: () => controller.abort(),
  };
}
