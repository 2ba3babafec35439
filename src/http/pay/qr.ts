/** The payment URI as a QR code, drawn on the server as inline SVG (no script, no request). */
import { trusted, escapeHtml, type Html } from './html.js';

export async function qrSvg(uri: string, label: string): Promise<Html> {
  // qrcode loads with the first payment page, not at start.
  const { default: QRCode } = await import('qrcode');
  const svg = await QRCode.toString(uri, {
    type: 'svg',
    errorCorrectionLevel: 'M',
    margin: 2,
    color: { dark: '#000000', light: '#ffffff' },
  });
  // Scanners need dark on light whatever the page theme, so the colours are fixed here.
  return trusted(
    svg.replace(
      '<svg ',
      `<svg class="qr" role="img" aria-label="${escapeHtml(label)}" focusable="false" `,
    ),
  );
}
