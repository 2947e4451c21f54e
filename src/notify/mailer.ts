// Outbound e-mail. SMTP through nodemailer in production; in development, without SMTP_URL, the
// message is written to the log so a developer can read the code on the console.
import type { Transporter } from 'nodemailer';
import type { Logger } from '../log.ts';

export interface MailMessage {
  to: string;
  subject: string;
  text: string;
}

export interface Mailer {
  send(message: MailMessage): Promise<void>;
}

export function createMailer(smtpUrl: string | null, from: string, logger: Logger): Mailer {
  if (!smtpUrl) {
    return {
      async send(message) {
        logger.info({ mail: { to: message.to, subject: message.subject } }, `mail (console, no SMTP_URL):\n${message.text}`);
      },
    };
  }
  // nodemailer (~10 MB of RSS) is loaded with the first message, not at start.
  let transport: Promise<Transporter> | undefined;
  return {
    async send(message) {
      transport ??= import('nodemailer').then(({ default: nodemailer }) => nodemailer.createTransport(smtpUrl));
      await (await transport).sendMail({ from, ...message });
    },
  };
}
