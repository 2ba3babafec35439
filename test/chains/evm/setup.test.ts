import { describe, expect, it } from 'vitest';
import { evmTokenContracts } from '../../../src/chains/evm/index.js';

describe('ERC-20 contracts to watch', () => {
  it("watches the catalog's mainnet contracts on mainnet", () => {
    expect(evmTokenContracts(1)).toEqual({
      USDT_ERC20: '0xdAC17F958D2ee523a2206206994597C13D831ec7',
      USDC_ERC20: '0xA0b86991c6218b36c1d19D4a2e9Eb0cE3606eB48',
      TUSD_ERC20: '0x0000000000085d4780B73119b644AE5ecd22b376',
    });
  });

  it('watches only configured contracts on other chains, where the mainnet addresses mean nothing', () => {
    const usdt = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    expect(evmTokenContracts(11155111)).toEqual({});
    expect(evmTokenContracts(31337, JSON.stringify({ USDT_ERC20: usdt }))).toEqual({
      USDT_ERC20: usdt,
    });
  });

  it('lets ETH_TOKEN_CONTRACTS override a mainnet default', () => {
    const other = '0x5FbDB2315678afecb367f032d93F642f64180aa3';
    expect(evmTokenContracts(1, JSON.stringify({ USDC_ERC20: other })).USDC_ERC20).toBe(other);
  });

  it('rejects unknown currencies, non-token currencies and bad addresses with the setting name', () => {
    expect(() =>
      evmTokenContracts(1, '{"DAI_ERC20":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}'),
    ).toThrow(/ETH_TOKEN_CONTRACTS: DAI_ERC20/);
    expect(() =>
      evmTokenContracts(1, '{"USDT_TRC20":"0x5FbDB2315678afecb367f032d93F642f64180aa3"}'),
    ).toThrow(/not an ERC-20/);
    expect(() => evmTokenContracts(1, '{"USDT_ERC20":"0x1234"}')).toThrow(
      /invalid contract address/,
    );
  });
});
