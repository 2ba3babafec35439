/**
 * Compiles Solidity with solc from npm (offline) through its standard JSON
 * interface, resolving OpenZeppelin imports from node_modules. Used by the
 * artifact builds and by the tests that check committed artifacts.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const nodeModules = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../node_modules');

interface Solc {
  compile(
    input: string,
    callbacks: { import: (p: string) => { contents: string } | { error: string } },
  ): string;
  version(): string;
}

export interface CompiledContract {
  readonly abi: unknown[];
  /** Creation (init) code. */
  readonly bytecode: `0x${string}`;
  readonly deployedBytecode: `0x${string}`;
}

export interface Compilation {
  readonly compiler: string;
  readonly contracts: Record<string, CompiledContract>;
}

function findImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(path.join(nodeModules, importPath), 'utf8') };
  } catch {
    return { error: `import not found in node_modules: ${importPath}` };
  }
}

/**
 * Compiles one source file. No metadata hash is appended, so the bytecode (and
 * the factory's deterministic address) depends on the code alone, not on comments or paths.
 */
export function compileSolidity(file: string): Compilation {
  const solc = require('solc') as Solc;
  const name = path.basename(file);
  const input = {
    language: 'Solidity',
    sources: { [name]: { content: readFileSync(file, 'utf8') } },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      metadata: { bytecodeHash: 'none', appendCBOR: false },
      outputSelection: {
        [name]: { '*': ['abi', 'evm.bytecode.object', 'evm.deployedBytecode.object'] },
      },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<
      string,
      Record<
        string,
        {
          abi: unknown[];
          evm: { bytecode: { object: string }; deployedBytecode: { object: string } };
        }
      >
    >;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contracts: Record<string, CompiledContract> = {};
  for (const [contractName, c] of Object.entries(output.contracts?.[name] ?? {})) {
    contracts[contractName] = {
      abi: c.abi,
      bytecode: `0x${c.evm.bytecode.object}`,
      deployedBytecode: `0x${c.evm.deployedBytecode.object}`,
    };
  }
  return { compiler: `solc ${solc.version()}`, contracts };
}
