// A loopback HTTP server standing in for the operator's SMS gateway hook: tobira POSTs
// {to, text} as JSON (with the configured bearer token) and tests read the codes out of it.
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';

export interface ReceivedSms {
  to: string;
  text: string;
  authorization: string | undefined;
}

export class SmsSink {
  readonly messages: ReceivedSms[] = [];
  readonly #server: Server;
  #waiters: Array<() => void> = [];
  /** The status the hook answers with; tests set it to simulate a failing gateway. */
  status = 200;

  constructor() {
    this.#server = createServer((req, res) => {
      let raw = '';
      req.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
      req.on('end', () => {
        const body = JSON.parse(raw) as { to: string; text: string };
        this.messages.push({ to: body.to, text: body.text, authorization: req.headers.authorization });
        for (const wake of this.#waiters.splice(0)) wake();
        res.statusCode = this.status;
        res.end();
      });
    });
  }

  /** Starts listening; returns the hook URL to give tobira as SMS_HOOK_URL. */
  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.#server.address() as AddressInfo).port}/sms`;
  }

  stop(): Promise<void> {
    this.#server.closeAllConnections();
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The newest SMS to `number`, waiting up to `timeoutMs` for it. */
  async latestTo(number: string, since = 0, timeoutMs = 5_000): Promise<ReceivedSms> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(since).filter((m) => m.to === number).at(-1);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no SMS to ${number} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** The six-digit code in the newest SMS to `number`. */
  async codeFor(number: string, since = 0): Promise<string> {
    const sms = await this.latestTo(number, since);
    const code = /(\d{6})/.exec(sms.text)?.[1];
    if (!code) throw new Error(`no code in SMS to ${number}: ${sms.text}`);
    return code;
  }
}
