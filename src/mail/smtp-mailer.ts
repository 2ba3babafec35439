/** Sends mail through the SMTP server named by SMTP_URL (nodemailer). */
import type { Transporter } from 'nodemailer';
import type { Mailer } from '../app/ports/mail.js';

/**
 * `smtp://user:pass@host:587` or `smtps://...`; a `from` query parameter sets
 * the sender (default `Kassa <kassa@localhost>`).
 */
export function smtpMailer(smtpUrl: string): Mailer {
  const url = new URL(smtpUrl);
  const from = url.searchParams.get('from') ?? 'Kassa <kassa@localhost>';
  url.searchParams.delete('from');
  // nodemailer loads on the first mail: an instance without mail never pays for it.
  let transport: Promise<Transporter> | null = null;
  return {
    async send(mail) {
      transport ??= import('nodemailer').then((m) => m.default.createTransport(url.toString()));
      await (
        await transport
      ).sendMail({
        from,
        to: mail.to,
        subject: mail.subject,
        text: mail.text,
        html: mail.html,
      });
    },
  };
}
