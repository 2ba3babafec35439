/** Sends mail through the SMTP server named by SMTP_URL (nodemailer). */
import nodemailer from 'nodemailer';
import type { Mailer } from '../app/ports/mail.js';

/**
 * `smtp://user:pass@host:587` or `smtps://...`; a `from` query parameter sets
 * the sender (default `Kassa <kassa@localhost>`).
 */
export function smtpMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? 'Kassa <kassa@localhost>';
  url.searchParams.delete('from');
  const transport = nodemailer.createTransport(url.toString());
  return {
    async send(mail) {
      await transport.sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
  };
}
