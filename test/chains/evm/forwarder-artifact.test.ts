/** The committed forwarder and test-token artifacts are what solc makes of the committed sources. */
import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { FACTORY_SOURCE, TOKENS_ARTIFACT, TOKENS_SOURCE } from '../../../contracts/build.js';
import { compileSolidity } from '../../../contracts/compile.js';
import * as artifact from '../../../src/chains/evm/forwarder-artifact.js';

describe('forwarder contracts build', () => {
  it('recompiles ForwarderFactory.sol to exactly the committed ABI and bytecode', () => {
    const rebuilt = compileSolidity(FACTORY_SOURCE);
    expect(rebuilt.compiler).toBe(artifact.FORWARDER_COMPILER);
    const factory = rebuilt.contracts['ForwarderFactory']!;
    expect(factory.abi).toEqual(artifact.FORWARDER_FACTORY_ABI);
    expect(factory.bytecode).toBe(artifact.FORWARDER_FACTORY_INIT_CODE);
    expect(factory.deployedBytecode).toBe(artifact.FORWARDER_FACTORY_RUNTIME_CODE);
    expect(rebuilt.contracts['Sweeper']!.bytecode).toBe(artifact.SWEEPER_INIT_CODE);
  });

  it('recompiles the quirky test tokens to exactly the committed artifact', () => {
    const committed = JSON.parse(readFileSync(TOKENS_ARTIFACT, 'utf8')) as unknown;
    expect(JSON.parse(JSON.stringify(compileSolidity(TOKENS_SOURCE)))).toEqual(committed);
  });

  it("has no owner, admin or upgrade entry points: collect, a view and the sweepers' token read", () => {
    const fns = artifact.FORWARDER_FACTORY_ABI.filter(
      (i) => i.type !== 'event' && i.type !== 'error',
    ).map((i) => `${i.type}:${'name' in i ? i.name : ''}:${i.stateMutability}`);
    expect(fns.sort()).toEqual(
      [
        'function:collect:nonpayable',
        'function:depositAddress:view',
        'fallback::nonpayable',
      ].sort(),
    );
  });
});
