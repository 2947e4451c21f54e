// Outbound SMS through an operator-provided HTTP hook (whatever SMS gateway the operator uses sits
// behind it): POST {"to": "+8190...", "text": "..."} as JSON, optionally with a bearer token. In
// development, without SMS_HOOK_URL, the message is written to the log instead.
import type { Logger } from '../log.ts';

export interface SmsMessage {
  /** E.164, e.g. +819012345678. */
  to: string;
  text: string;
}

export interface SmsSender {
  send(message: SmsMessage): Promise<void>;
}

export class SmsDeliveryError extends Error {
  constructor(status: number | string) {
    super(`the SMS hook refused the message (${status})`);
    this.name = 'SmsDeliveryError';
  }
}

const HOOK_TIMEOUT_MS = 10_000;

export function createSmsSender(hookUrl: string | null, hookToken: string | null, logger: Logger): SmsSender {
  if (!hookUrl) {
    return {
      async send(message) {
        logger.info({ sms: { to: message.to } }, `sms (console, no SMS_HOOK_URL):\n${message.text}`);
      },
    };
  }
  return {
    async send(message) {
      const response = await fetch(hookUrl, {
        method: 'POST',
        headers: { 'content-type': 'application/json', ...(hookToken ? { authorization: `Bearer ${hookToken}` } : {}) },
        body: JSON.stringify({ to: message.to, text: message.text }),
        signal: AbortSignal.timeout(HOOK_TIMEOUT_MS),
        redirect: 'error',
      });
      await response.body?.cancel();
      if (!response.ok) throw new SmsDeliveryError(response.status);
    },
  };
}
