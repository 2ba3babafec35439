/**
 * Gas per collected invoice with forwarder deposit addresses (anvil), in
 * batches of 10 and 50, next to xpub mode's cost of moving the same payment:
 * tokens need a 21,000-gas ETH top-up, the ERC-20 transfer from the invoice
 * address and a 21,000-gas sweep of the ETH dust; ETH needs one 21,000-gas send.
 */
import type { Address } from 'viem';
import { depositSalt, FORWARDER_FACTORY, forwarderAddress } from '../src/chains/evm/forwarder.js';
import {
  mined,
  payEth,
  payToken,
  quirkyToken,
  sendCollect,
  startForwarderChain,
  type ForwarderChain,
} from '../test/support/forwarder/chain.js';

const TREASURY: Address = '0x7E5F4552091A69125d5DfCb7b8C2659029395Bdf';

async function collectGas(
  c: ForwarderChain,
  kind: 'ETH' | 'USDT' | 'TUSD',
  batch: number,
  firstSalt: number,
): Promise<bigint> {
  const salts = Array.from({ length: batch }, (_, i) => depositSalt(firstSalt + i));
  for (const salt of salts) {
    const to = forwarderAddress({ factory: FORWARDER_FACTORY, treasury: TREASURY, salt });
    if (kind === 'ETH') await payEth(c, to, 10n ** 16n);
    else
      await payToken(
        c,
        kind === 'USDT' ? c.usdt : c.tusd,
        to,
        kind === 'USDT' ? 25_000_000n : 25n * 10n ** 18n,
      );
  }
  const tokens = kind === 'ETH' ? [] : [kind === 'USDT' ? c.usdt : c.tusd];
  const receipt = await sendCollect(c, { treasury: TREASURY, salts, tokens });
  return receipt.gasUsed / BigInt(batch);
}

/** xpub mode: what moving one token payment off its own EOA address costs. */
async function baselineTokenGas(
  c: ForwarderChain,
  token: Address,
  amount: bigint,
  n: number,
): Promise<bigint> {
  const abi = quirkyToken('NoReturnToken').abi;
  let total = 0n;
  for (let i = 0; i < n; i++) {
    const invoiceAddress = `0x${(0xbeef0000 + i).toString(16).padStart(40, '0')}` as Address;
    await payToken(c, token, invoiceAddress, amount);
    const topUp = await c.client.getTransactionReceipt({
      hash: await payEth(c, invoiceAddress, 10n ** 15n),
    });
    await c.anvil.rpc('anvil_impersonateAccount', [invoiceAddress]);
    const transfer = await mined(
      c,
      await c.wallet.writeContract({
        address: token,
        abi,
        functionName: 'transfer',
        args: [TREASURY, amount],
        account: invoiceAddress,
        chain: c.wallet.chain,
      }),
    );
    const sweep = await mined(
      c,
      await c.wallet.sendTransaction({
        account: invoiceAddress,
        to: TREASURY,
        value: 10n ** 14n,
        gas: 21_000n,
        chain: c.wallet.chain,
      }),
    );
    await c.anvil.rpc('anvil_stopImpersonatingAccount', [invoiceAddress]);
    total += topUp.gasUsed + transfer.gasUsed + sweep.gasUsed;
  }
  return total / BigInt(n);
}

export async function benchForwarderGas(): Promise<Record<string, string>> {
  const c = await startForwarderChain();
  try {
    // The treasury already holds each token, as it will after the first collection.
    await payToken(c, c.usdt, TREASURY, 1n);
    await payToken(c, c.tusd, TREASURY, 1n);
    const base = {
      USDT: await baselineTokenGas(c, c.usdt, 25_000_000n, 5),
      TUSD: await baselineTokenGas(c, c.tusd, 25n * 10n ** 18n, 5),
      ETH: 21_000n,
    };
    const out: Record<string, string> = {};
    let salt = 0;
    for (const kind of ['USDT', 'TUSD', 'ETH'] as const) {
      out[`${kind} xpub-mode baseline gas/invoice`] = String(base[kind]);
      for (const batch of [10, 50]) {
        const gas = await collectGas(c, kind, batch, salt);
        salt += batch;
        const pct = Number((gas * 1000n) / base[kind]) / 10;
        out[`${kind} forwarder gas/invoice, batch ${batch}`] = `${gas} (${pct}% of baseline)`;
      }
    }
    return out;
  } finally {
    await c.close();
  }
}
