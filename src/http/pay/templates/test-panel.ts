/** Test mode only: buttons that record simulated payments on the built-in test chain. */
import { html, type Html } from '../html.js';
import type { MessageKey } from '../messages/en.js';
import type { Screen } from '../screen.js';
import { formError } from './parts.js';
import type { RenderContext } from './context.js';

export type TestPaymentKind = 'full' | 'partial' | 'over' | 'unconfirmed' | 'confirm' | 'late';

export const TEST_PAYMENT_KINDS: readonly TestPaymentKind[] = [
  'full',
  'partial',
  'over',
  'unconfirmed',
  'confirm',
  'late',
];

/** Which simulations make sense on each screen. */
function kindsFor(screen: Screen, r: RenderContext): TestPaymentKind[] {
  const { view, confirmations } = r.page;
  const timer = view.expires_at !== null;
  const confirm: TestPaymentKind[] = confirmations !== null ? ['confirm'] : [];
  switch (screen) {
    case 'waiting':
      return ['full', 'partial', 'over', 'unconfirmed', ...(timer ? (['late'] as const) : [])];
    case 'partial':
      return ['full', 'partial', 'over', 'unconfirmed', ...confirm];
    case 'seen':
      return [...confirm, 'full'];
    case 'expired':
    case 'underpaid':
    case 'cancelled':
      return view.quote ? ['late'] : [];
    default:
      return confirm;
  }
}

export function testPanel(r: RenderContext): Html {
  const { view, invoice, screen } = r.page;
  if (!view.test_mode || !view.quote) return html``;
  const kinds = kindsFor(screen, r);
  if (kinds.length === 0) return html``;
  return html`<section class="card test-panel" aria-labelledby="test-title">
    <h2 id="test-title"><span class="tag">TEST</span>${r.t('test_title')}</h2>
    <p>${r.t('test_hint')}</p>
    <form method="post" action="/pay/${invoice.id}/test-payment${r.query}" data-live>
      <div class="actions">
        ${kinds.map(
          (k) =>
            html`<button type="submit" name="kind" value="${k}">
              ${r.t(`test_${k}` as MessageKey)}
            </button>`,
        )}
      </div>
      <p class="notice error" role="alert" data-error hidden></p>
      ${formError(r, 'test')}
    </form>
  </section>`;
}
