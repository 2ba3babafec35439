/** Wallet preview: paste a key, see the first addresses and paths; admins can then save it to a project. */
import { listProjects, updateProject } from '../../../app/accounts.js';
import { audit } from '../../../app/audit.js';
import { projectOf } from '../../../app/invoices.js';
import { previewWallet, type PreviewAddress } from '../../../app/wallet-preview.js';
import { CRYPTO_CURRENCIES, cryptoCurrency } from '../../../domain/currencies.js';
import { KassaError } from '../../../domain/errors.js';
import { can } from '../../../domain/roles.js';
import { html } from '../../pay/html.js';
import { field } from '../format.js';
import type { DashContext } from '../context.js';
import { csrfField, page, scrollTable } from '../layout.js';
import type { DashRouter, SignedIn } from '../router.js';

interface WalletForm {
  currency: string;
  key: string;
  network: string;
}

async function render(
  dc: DashContext,
  v: SignedIn,
  f: WalletForm,
  preview: PreviewAddress[] | null,
  o: { error?: string; notice?: string } = {},
) {
  const { t } = v;
  const natives = CRYPTO_CURRENCIES.filter((c) => !c.contract);
  const projects = await listProjects(dc.ctx, v.user.accountId);
  const opt = (value: string, current: string) =>
    html`<option value="${value}" ${value === current ? html`selected` : ''}>${value}</option>`;
  // Posted, not a query string: a wallet key reveals every address, so it stays out of URLs and logs.
  const form = html`<form method="post" action="/dashboard/wallets/preview" class="stack card">
    ${csrfField(v.page)}
    <p>${t('wallets_intro')}</p>
    <label
      >${t('currency')}
      <select name="currency">
        ${natives.map((c) => opt(c.code, f.currency))}
      </select></label
    >
    <label
      >${t('network')}
      <select name="network">
        ${['mainnet', 'testnet', 'regtest'].map((n) => opt(n, f.network))}
      </select></label
    >
    <label
      >${t('key')}
      <textarea name="key" rows="3" required maxlength="1000" spellcheck="false">${f.key}</textarea>
    </label>
    <div class="actions"><button type="submit">${t('preview')}</button></div>
  </form>`;
  const chain = cryptoCurrency(f.currency)?.chain ?? f.currency;
  const table = preview
    ? html`<section class="card" aria-labelledby="h-preview">
        <h2 id="h-preview">${t('preview')}</h2>
        ${scrollTable(
          t('preview'),
          html`<table id="preview">
            <thead>
              <tr>
                <th scope="col">${t('index')}</th>
                <th scope="col">${t('derivation_path')}</th>
                <th scope="col">${t('address')}</th>
              </tr>
            </thead>
            <tbody>
              ${preview.map(
                (a) =>
                  html`<tr>
                    <td>${a.index}</td>
                    <td class="mono">${a.path}</td>
                    <td class="mono">${a.address}</td>
                  </tr>`,
              )}
            </tbody>
          </table>`,
        )}
        ${
          can(v.user.role, 'settings.write')
            ? projects.map(
                (p) =>
                  html`<form method="post" action="/dashboard/wallets" class="actions">
                    ${csrfField(v.page)}
                    <input type="hidden" name="project" value="${p.id}" />
                    <input type="hidden" name="currency" value="${f.currency}" />
                    <input type="hidden" name="network" value="${f.network}" />
                    <input type="hidden" name="key" value="${f.key}" />
                    <button type="submit" class="secondary">
                      ${t('save_wallet', { currency: chain, project: p.name })}
                    </button>
                  </form>`,
              )
            : ''
        }
      </section>`
    : '';
  return page(v.page, t('wallets_title'), html`${form}${table}`, {
    error: o.error ?? null,
    notice: o.notice ?? null,
  });
}

export function walletPages(r: DashRouter, dc: DashContext): void {
  r.get('/dashboard/wallets', 'read', async (req, reply, v) => {
    const notice = req.query.done === 'saved' ? v.t('wallet_saved') : undefined;
    const f = { currency: 'BTC', key: '', network: 'mainnet' };
    return reply
      .type('text/html; charset=utf-8')
      .send(await render(dc, v, f, null, notice ? { notice } : {}));
  });

  r.post('/dashboard/wallets/preview', 'read', async (req, reply, v) => {
    const f: WalletForm = {
      currency: (field(req.body, 'currency') || 'BTC').toUpperCase(),
      key: field(req.body, 'key'),
      network: field(req.body, 'network') || 'mainnet',
    };
    try {
      const preview = previewWallet(dc.ctx, f);
      return reply.type('text/html; charset=utf-8').send(await render(dc, v, f, preview));
    } catch (err) {
      if (!(err instanceof KassaError)) throw err;
      return reply
        .status(400)
        .type('text/html; charset=utf-8')
        .send(await render(dc, v, f, null, { error: err.message }));
    }
  });

  r.post('/dashboard/wallets', 'settings.write', async (req, reply, v) => {
    const f: WalletForm = {
      currency: field(req.body, 'currency').toUpperCase(),
      key: field(req.body, 'key'),
      network: field(req.body, 'network'),
    };
    try {
      previewWallet(dc.ctx, f);
      const project = await projectOf(
        dc.ctx,
        v.user.accountId,
        field(req.body, 'project'),
        'project',
      );
      const chain = cryptoCurrency(f.currency)!.chain;
      await updateProject(dc.ctx, project, { wallets: { [chain]: { key: f.key } } });
      await audit(dc.access, dc.ctx.clock, v.actor, 'wallet.saved', project.id, chain);
    } catch (err) {
      if (!(err instanceof KassaError)) throw err;
      return reply
        .status(400)
        .type('text/html; charset=utf-8')
        .send(await render(dc, v, f, null, { error: err.message }));
    }
    return reply.redirect('/dashboard/wallets?done=saved', 303);
  });
}
