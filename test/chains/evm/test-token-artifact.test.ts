/** The committed TestToken artifact is what solc makes of the committed source. */
import { describe, expect, it } from 'vitest';
import { compileTestToken } from '../../support/erc20/compile.js';
import { loadTestToken } from '../../support/erc20/token.js';

describe('TestToken build', () => {
  it('recompiles from source with solc to exactly the committed ABI and bytecode', () => {
    const committed = loadTestToken();
    const rebuilt = compileTestToken();
    expect(rebuilt.compiler).toBe(committed.compiler);
    expect(rebuilt.abi).toEqual(committed.abi);
    expect(rebuilt.bytecode).toBe(committed.bytecode);
  });

  it('is an OpenZeppelin ERC-20 with configurable decimals and a batch transfer', () => {
    const abi = loadTestToken().abi as readonly { name?: string; type: string }[];
    const names = abi.map((item) => item.name ?? item.type);
    expect(names).toEqual(
      expect.arrayContaining(['transfer', 'decimals', 'batchTransfer', 'Transfer', 'constructor']),
    );
  });
});
