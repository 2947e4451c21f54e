// Every refusal tobira makes is one of these: a stable machine code (for logs, JSON answers and
// tests), an HTTP status, and a message in each language we serve. The HTTP edge maps them once.
export type Lang = 'ja' | 'en';
export type Messages = Readonly<Record<Lang, string>>;

export class AppError extends Error {
  readonly code: string;
  readonly status: number;
  readonly messages: Messages;

  constructor(code: string, status: number, messages: Messages, options?: { cause?: unknown }) {
    super(messages.en, options);
    this.name = new.target.name;
    this.code = code;
    this.status = status;
    this.messages = messages;
  }
}
