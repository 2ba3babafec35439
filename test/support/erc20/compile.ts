/**
 * Compiles TestToken.sol with solc (npm, offline) through its standard JSON
 * interface, resolving OpenZeppelin imports from node_modules.
 */
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const require = createRequire(import.meta.url);
const here = path.dirname(fileURLToPath(import.meta.url));
const nodeModules = path.resolve(here, '../../../node_modules');

interface Solc {
  compile(
    input: string,
    callbacks: { import: (p: string) => { contents: string } | { error: string } },
  ): string;
  version(): string;
}

export interface CompiledToken {
  contractName: 'TestToken';
  compiler: string;
  abi: unknown[];
  bytecode: `0x${string}`;
}

function findImport(importPath: string): { contents: string } | { error: string } {
  try {
    return { contents: readFileSync(path.join(nodeModules, importPath), 'utf8') };
  } catch {
    return { error: `import not found in node_modules: ${importPath}` };
  }
}

export function compileTestToken(): CompiledToken {
  const solc = require('solc') as Solc;
  const input = {
    language: 'Solidity',
    sources: {
      'TestToken.sol': { content: readFileSync(path.join(here, 'TestToken.sol'), 'utf8') },
    },
    settings: {
      optimizer: { enabled: true, runs: 200 },
      evmVersion: 'cancun',
      outputSelection: { 'TestToken.sol': { TestToken: ['abi', 'evm.bytecode.object'] } },
    },
  };
  const output = JSON.parse(solc.compile(JSON.stringify(input), { import: findImport })) as {
    errors?: { severity: string; formattedMessage: string }[];
    contracts?: Record<
      string,
      Record<string, { abi: unknown[]; evm: { bytecode: { object: string } } }>
    >;
  };
  const errors = (output.errors ?? []).filter((e) => e.severity === 'error');
  if (errors.length > 0) throw new Error(errors.map((e) => e.formattedMessage).join('\n'));
  const contract = output.contracts?.['TestToken.sol']?.['TestToken'];
  if (!contract) throw new Error('solc produced no TestToken');
  return {
    contractName: 'TestToken',
    compiler: `solc ${solc.version()}`,
    abi: contract.abi,
    bytecode: `0x${contract.evm.bytecode.object}`,
  };
}

export const ARTIFACT_PATH = path.join(here, 'TestToken.json');
