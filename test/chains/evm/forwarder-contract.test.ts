/**
 * The forwarder factory on anvil: codeless deposit addresses that accept
 * 21,000-gas ETH sends, batched collection to the treasury only, guards
 * against failing tokens, and re-collection of the same address.
 */
import { getAddress, keccak256, parseEther, type Address, type Hex } from 'viem';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import {
  collectCalldata,
  CREATE2_DEPLOYER,
  depositSalt,
  FORWARDER_FACTORY,
  FORWARDER_FACTORY_ABI,
  FORWARDER_FACTORY_CODE_HASH,
  forwarderAddress,
} from '../../../src/chains/evm/forwarder.js';
import { observedCollect } from '../../../src/chains/evm/forwarder-receipt.js';
import {
  deployContract,
  ethBalance,
  payEth,
  payToken,
  quirkyToken,
  sendCollect,
  startForwarderChain,
  tokenBalance,
  type ForwarderChain,
} from '../../support/forwarder/chain.js';

let c: ForwarderChain;
let treasury: Address;
let attacker: Address;
let saltBase = 1000;
const nextSalts = (n: number) => Array.from({ length: n }, () => depositSalt(saltBase++));
const deposit = (salt: `0x${string}`, t: Address = treasury) =>
  forwarderAddress({ factory: FORWARDER_FACTORY, treasury: t, salt });

beforeAll(async () => {
  c = await startForwarderChain();
  treasury = '0x000000000000000000000000000000000000ca55';
  attacker = c.accounts[5]!;
});
afterAll(async () => c?.close());

describe('forwarder factory', () => {
  it('deploys at its deterministic address through the standard CREATE2 deployer', async () => {
    expect(await c.client.getCode({ address: CREATE2_DEPLOYER })).not.toBe('0x');
    const code = await c.client.getCode({ address: FORWARDER_FACTORY });
    expect(keccak256(code!)).toBe(FORWARDER_FACTORY_CODE_HASH);
  });

  it('computes the same deposit address on chain as offline', async () => {
    const salt = depositSalt(7);
    const onChain = await c.client.readContract({
      address: FORWARDER_FACTORY,
      abi: FORWARDER_FACTORY_ABI,
      functionName: 'depositAddress',
      args: [treasury, salt],
    });
    expect(onChain).toBe(deposit(salt));
    expect(deposit(salt, c.accounts[1]!)).not.toBe(deposit(salt));
  });

  it('collects ETH sent with 21,000 gas and both tokens to the treasury, leaving the address codeless', async () => {
    const salts = nextSalts(3);
    const addrs = salts.map((s) => deposit(s));
    await payEth(c, addrs[0]!, parseEther('0.5'));
    await payToken(c, c.usdt, addrs[1]!, 12_345_678n);
    await payToken(c, c.tusd, addrs[2]!, 10n ** 18n + 1n);
    await payEth(c, addrs[2]!, 7n);
    const before = {
      eth: await ethBalance(c, treasury),
      usdt: await tokenBalance(c, c.usdt, treasury),
      tusd: await tokenBalance(c, c.tusd, treasury),
    };
    const receipt = await sendCollect(c, {
      treasury,
      salts,
      tokens: [c.usdt, c.tusd],
      from: c.accounts[2]!,
    });
    expect(await ethBalance(c, treasury)).toBe(before.eth + parseEther('0.5') + 7n);
    expect(await tokenBalance(c, c.usdt, treasury)).toBe(before.usdt + 12_345_678n);
    expect(await tokenBalance(c, c.tusd, treasury)).toBe(before.tusd + 10n ** 18n + 1n);
    for (const a of addrs) {
      expect(await c.client.getCode({ address: a })).toBeUndefined();
      expect(await ethBalance(c, a)).toBe(0n);
    }
    // One Collected log names the three swept addresses.
    expect(
      receipt.logs.filter((l) => l.address.toLowerCase() === FORWARDER_FACTORY.toLowerCase()),
    ).toHaveLength(1);
    expect(observedCollect(receipt, FORWARDER_FACTORY, []).sweeps).toEqual(
      addrs.map((deposit) => ({ treasury: getAddress(treasury), deposit })),
    );

    // The same address keeps working: a second 21,000-gas payment, collected again.
    await payEth(c, addrs[0]!, 1000n);
    await payToken(c, c.usdt, addrs[0]!, 5n);
    await sendCollect(c, { treasury, salts: [salts[0]!], tokens: [c.usdt] });
    expect(await ethBalance(c, treasury)).toBe(before.eth + parseEther('0.5') + 7n + 1000n);
    expect(await tokenBalance(c, c.usdt, treasury)).toBe(before.usdt + 12_345_683n);
  });

  it('collects a token it was never told about when its address is passed later', async () => {
    const [salt] = nextSalts(1);
    const stray = await deployContract(
      c,
      quirkyToken('NoReturnToken'),
      ['Stray', 'STR', 8, 10n ** 12n],
      c.payer,
    );
    await payToken(c, stray, deposit(salt!), 999n);
    await sendCollect(c, { treasury, salts: [salt!], tokens: [c.usdt, c.tusd] });
    expect(await tokenBalance(c, stray, deposit(salt!))).toBe(999n);
    await sendCollect(c, { treasury, salts: [salt!], tokens: [stray] });
    expect(await tokenBalance(c, stray, treasury)).toBe(999n);
    expect(await tokenBalance(c, stray, deposit(salt!))).toBe(0n);
  });

  it('skips a token that reverts, burns gas or returns false without reverting the batch, at the estimated gas limit', async () => {
    const hostile = quirkyToken('HostileToken');
    const falsy = await deployContract(c, hostile, [0, 10n ** 9n], c.payer);
    const reverting = await deployContract(c, hostile, [1, 0n], c.payer);
    const burner = await deployContract(c, hostile, [2, 0n], c.payer);
    const salts = nextSalts(2);
    const addrs = salts.map((s) => deposit(s));
    for (const a of addrs) {
      await c.wallet.writeContract({
        address: reverting,
        abi: hostile.abi,
        functionName: 'mint',
        args: [a, 50n],
        account: c.payer,
        chain: c.wallet.chain,
      });
      await c.wallet.writeContract({
        address: burner,
        abi: hostile.abi,
        functionName: 'mint',
        args: [a, 60n],
        account: c.payer,
        chain: c.wallet.chain,
      });
      await payToken(c, falsy, a, 40n);
      await payToken(c, c.usdt, a, 30n);
      await payEth(c, a, 20n);
    }
    const usdtBefore = await tokenBalance(c, c.usdt, treasury);
    const ethBefore = await ethBalance(c, treasury);
    await sendCollect(c, {
      treasury,
      salts,
      tokens: [reverting, burner, falsy, c.usdt],
    });
    expect(await tokenBalance(c, c.usdt, treasury)).toBe(usdtBefore + 60n);
    expect(await tokenBalance(c, falsy, treasury)).toBe(80n);
    expect(await ethBalance(c, treasury)).toBe(ethBefore + 40n);
    for (const a of addrs) {
      expect(await tokenBalance(c, reverting, a)).toBe(50n);
      expect(await tokenBalance(c, burner, a)).toBe(60n);
    }
  });

  it('lets nobody move funds anywhere but the treasury baked into the address', async () => {
    const salts = nextSalts(2);
    const addrs = salts.map((s) => deposit(s));
    await payEth(c, addrs[0]!, 1_000_000n);
    await payToken(c, c.usdt, addrs[1]!, 777n);
    const attackerUsdt = await tokenBalance(c, c.usdt, attacker);
    // Collecting the same salts for the attacker's own treasury targets other, empty addresses.
    const r = await sendCollect(c, { treasury: attacker, salts, tokens: [c.usdt], from: attacker });
    expect(r.status).toBe('success');
    expect(await ethBalance(c, addrs[0]!)).toBe(1_000_000n);
    expect(await tokenBalance(c, c.usdt, addrs[1]!)).toBe(777n);
    expect(await tokenBalance(c, c.usdt, attacker)).toBe(attackerUsdt);

    // A griefing collect (wrong salts, zero balances, duplicates) moves nothing and breaks nothing.
    const empty = nextSalts(3);
    await sendCollect(c, {
      treasury,
      salts: [...empty, empty[0]!],
      tokens: [c.usdt, c.tusd],
      from: attacker,
    });
    for (const s of empty) expect(await c.client.getCode({ address: deposit(s) })).toBeUndefined();
    expect(await ethBalance(c, addrs[0]!)).toBe(1_000_000n);

    // Whoever sends the real collect, the funds land with the treasury.
    const ethBefore = await ethBalance(c, treasury);
    const usdtBefore = await tokenBalance(c, c.usdt, treasury);
    await sendCollect(c, { treasury, salts, tokens: [c.usdt], from: attacker });
    expect(await ethBalance(c, treasury)).toBe(ethBefore + 1_000_000n);
    expect(await tokenBalance(c, c.usdt, treasury)).toBe(usdtBefore + 777n);
    expect(await tokenBalance(c, c.usdt, attacker)).toBe(attackerUsdt);
  });

  it('sweeps an address listed twice in one batch once and skips the repeat', async () => {
    const [salt] = nextSalts(1);
    await payToken(c, c.usdt, deposit(salt!), 11n);
    const before = await tokenBalance(c, c.usdt, treasury);
    const r = await sendCollect(c, { treasury, salts: [salt!, salt!], tokens: [c.usdt] });
    expect(await tokenBalance(c, c.usdt, treasury)).toBe(before + 11n);
    expect(observedCollect(r, FORWARDER_FACTORY, []).sweeps.map((s) => s.deposit)).toEqual([
      deposit(salt!),
    ]);
  });

  it('refuses salts that are not whole 8-byte words, and answers only empty calls with the token list', async () => {
    const data = collectCalldata({ treasury, salts: nextSalts(2), tokens: [] });
    // Shorten the packed salts' length field (16 bytes) by one byte.
    const lengthAt = 2 + 8 + 3 * 64;
    const bad = `${data.slice(0, lengthAt)}${(15).toString(16).padStart(64, '0')}${data.slice(lengthAt + 64)}`;
    await expect(c.client.call({ to: FORWARDER_FACTORY, data: bad as Hex })).rejects.toThrow();
    await expect(c.client.call({ to: FORWARDER_FACTORY, data: data })).resolves.toBeDefined();
    // Outside a collect the token list is empty; a call with an unknown selector reverts.
    expect((await c.client.call({ to: FORWARDER_FACTORY })).data).toBeUndefined();
    await expect(c.client.call({ to: FORWARDER_FACTORY, data: '0x12345678' })).rejects.toThrow();
  });
});
