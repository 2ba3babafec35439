/** The daily-volume chart, drawn on the server as inline SVG: no script, no third-party request. */
import { parseDecimal } from '../../domain/money.js';
import { html, type Html } from '../pay/html.js';

const W = 600;
const H = 160;
const PAD_BOTTOM = 18;
const PAD_TOP = 14;

/** Bar heights only need to be drawn, not summed, so here (and only here) amounts become numbers. */
function magnitude(amount: string): number {
  const d = parseDecimal(amount);
  return Number(d.units) / 10 ** d.scale;
}

export function volumeChart(
  daily: readonly { day: string; amounts: Readonly<Record<string, string>> }[],
  currency: string,
  title: string,
): Html {
  const values = daily.map((d) => magnitude(d.amounts[currency] ?? '0'));
  const max = Math.max(...values, 0);
  const slot = W / Math.max(daily.length, 1);
  const bars = daily.map((d, i) => {
    const h = max > 0 ? ((H - PAD_BOTTOM - PAD_TOP) * values[i]!) / max : 0;
    const x = i * slot + slot * 0.15;
    const y = H - PAD_BOTTOM - h;
    return html`<rect
      class="bar"
      x="${x.toFixed(1)}"
      y="${y.toFixed(1)}"
      width="${(slot * 0.7).toFixed(1)}"
      height="${h.toFixed(1)}"
      ><title>${d.day}: ${d.amounts[currency] ?? '0'} ${currency}</title></rect
    >`;
  });
  const first = daily[0]?.day ?? '';
  const last = daily[daily.length - 1]?.day ?? '';
  const top = daily
    .map((d) => d.amounts[currency] ?? '0')
    .reduce((a, b) => (magnitude(b) > magnitude(a) ? b : a), '0');
  return html`<svg
    class="chart"
    viewBox="0 0 ${W} ${H}"
    role="img"
    aria-label="${title}"
    focusable="false"
  >
    <line class="axis" x1="0" y1="${H - PAD_BOTTOM}" x2="${W}" y2="${H - PAD_BOTTOM}" />
    ${bars}
    <text x="0" y="${H - 4}">${first}</text>
    <text x="${W}" y="${H - 4}" text-anchor="end">${last}</text>
    <text x="0" y="10">${top} ${currency}</text>
  </svg>`;
}
