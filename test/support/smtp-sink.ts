// A real SMTP server on loopback that keeps what tobira sends, so tests read sign-up codes out of
// real e-mail (nodemailer → SMTP → here).
import type { AddressInfo } from 'node:net';
import { SMTPServer } from 'smtp-server';

export interface ReceivedMail {
  to: string[];
  raw: string;
  subject: string;
}

/** A header as written, with RFC 2047 encoded words (non-ASCII subjects, e.g. Japanese) decoded. */
function decodeHeader(value: string): string {
  return value.replace(/\r?\n[ \t]/g, ' ').replace(/=\?([^?]+)\?([BbQq])\?([^?]*)\?=\s*/g, (_m, _charset: string, encoding: string, text: string) => (
    encoding.toUpperCase() === 'B'
      ? Buffer.from(text, 'base64').toString('utf8')
      : Buffer.from(text.replace(/_/g, ' ').replace(/=([0-9A-F]{2})/gi, (_q, hex: string) => String.fromCharCode(parseInt(hex, 16))), 'latin1').toString('utf8')
  ));
}

export class SmtpSink {
  /** Every sink of this test process while it runs: helpers find a code whichever sink got it. */
  static readonly running = new Set<SmtpSink>();
  readonly messages: ReceivedMail[] = [];
  readonly #server: SMTPServer;
  #waiters: Array<() => void> = [];
  port = 0;

  constructor() {
    this.#server = new SMTPServer({
      authOptional: true,
      disabledCommands: ['STARTTLS', 'AUTH'],
      logger: false,
      onData: (stream, session, callback) => {
        let raw = '';
        stream.on('data', (chunk: Buffer) => { raw += chunk.toString('utf8'); });
        stream.on('end', () => {
          const subject = decodeHeader(/^Subject: (.*(?:\r?\n[ \t].*)*)$/m.exec(raw)?.[1] ?? '');
          this.messages.push({ to: session.envelope.rcptTo.map((r) => r.address), raw, subject });
          for (const wake of this.#waiters.splice(0)) wake();
          callback();
        });
      },
    });
  }

  async start(): Promise<string> {
    await new Promise<void>((resolve) => this.#server.listen(0, '127.0.0.1', resolve));
    this.port = (this.#server.server.address() as AddressInfo).port;
    SmtpSink.running.add(this);
    return `smtp://127.0.0.1:${this.port}`;
  }

  stop(): Promise<void> {
    SmtpSink.running.delete(this);
    return new Promise((resolve) => this.#server.close(() => resolve()));
  }

  /** The newest message to `address`, waiting up to `timeoutMs` for it to arrive. */
  async latestTo(address: string, since = 0, timeoutMs = 5_000): Promise<ReceivedMail> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const found = this.messages.slice(since).filter((m) => m.to.includes(address)).at(-1);
      if (found) return found;
      if (Date.now() > deadline) throw new Error(`no mail to ${address} within ${timeoutMs} ms`);
      await new Promise<void>((resolve) => {
        this.#waiters.push(resolve);
        setTimeout(resolve, 200);
      });
    }
  }

  /** How many messages each running sink holds now: pass it to codeSentTo to see only newer mail. */
  static marks(): Map<SmtpSink, number> {
    return new Map([...SmtpSink.running].map((sink) => [sink, sink.messages.length]));
  }

  /** The code in the newest mail to `address` after `marks`, whichever running sink received it. */
  static async codeSentTo(address: string, marks: Map<SmtpSink, number>, timeoutMs = 5_000): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      for (const sink of SmtpSink.running) {
        const mail = sink.messages.slice(marks.get(sink) ?? 0).filter((m) => m.to.includes(address)).at(-1);
        const code = mail ? /(\d{6})/.exec(mail.subject)?.[1] : undefined;
        if (code) return code;
      }
      if (Date.now() > deadline) throw new Error(`no code mailed to ${address} within ${timeoutMs} ms`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  /** The six-digit code in the newest sign-up mail to `address` (subjects in English carry it). */
  async codeFor(address: string, since = 0): Promise<string> {
    const mail = await this.latestTo(address, since);
    const code = /(\d{6})/.exec(mail.subject)?.[1];
    if (!code) throw new Error(`no code in mail to ${address}: ${mail.subject}`);
    return code;
  }
}
