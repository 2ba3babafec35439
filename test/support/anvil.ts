/**
 * A real EVM node for tests: anvil from npm (@foundry-rs/anvil), bound to
 * 127.0.0.1 on a port it binds itself (port 0) and reports. A missing binary fails the test with a clear message.
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';

const ANVIL_BIN = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../node_modules/.bin/anvil',
);

/** The node's default dev accounts come from this mnemonic. */
export const ANVIL_MNEMONIC = 'test test test test test test test test test test test junk';
export const ANVIL_CHAIN_ID = 31337;

export interface Anvil {
  readonly url: string;
  readonly port: number;
  readonly chainId: number;
  /** Raw JSON-RPC call (anvil_*, evm_* and eth_* methods). */
  rpc<T = unknown>(method: string, params?: unknown[]): Promise<T>;
  stop(): Promise<void>;
}

export interface AnvilOptions {
  port?: number;
  chainId?: number;
  /** Load state from and dump it to this file (restarting the same chain). */
  statePath?: string;
  extraArgs?: string[];
}

async function jsonRpc<T>(url: string, method: string, params: unknown[]): Promise<T> {
  const res = await fetch(url, {
    method: 'POST',
    headers: { 'content-type': 'application/json' },
    body: JSON.stringify({ jsonrpc: '2.0', id: 1, method, params }),
  });
  const body = (await res.json()) as { result?: T; error?: { message: string } };
  if (body.error) throw new Error(`${method}: ${body.error.message}`);
  return body.result as T;
}

export async function startAnvil(options: AnvilOptions = {}): Promise<Anvil> {
  if (!existsSync(ANVIL_BIN)) {
    throw new Error(
      `anvil not found at ${ANVIL_BIN}: install the dev dependency @foundry-rs/anvil (npm ci) to run the EVM tests`,
    );
  }
  const chainId = options.chainId ?? ANVIL_CHAIN_ID;
  const args = ['--host', '127.0.0.1', '--port', String(options.port ?? 0)];
  args.push('--chain-id', String(chainId), '--mnemonic', ANVIL_MNEMONIC);
  if (options.statePath) args.push('--state', options.statePath);
  args.push(...(options.extraArgs ?? []));
  const child = spawn(ANVIL_BIN, args, { stdio: ['ignore', 'pipe', 'pipe'] });
  let stderr = '';
  child.stderr?.on('data', (d: Buffer) => (stderr += d.toString()));
  // Anvil binds the port and prints it; the rest of its output is read and dropped.
  let banner: string | null = '';
  const listening = new Promise<number>((resolve) => {
    child.stdout?.on('data', (d: Buffer) => {
      if (banner === null) return;
      banner += d.toString();
      const m = /Listening on 127\.0\.0\.1:(\d+)/.exec(banner);
      if (m) {
        banner = null;
        resolve(Number(m[1]));
      }
    });
  });
  const port = await Promise.race([
    listening,
    new Promise<never>((_, reject) => {
      child.once('exit', (code) => reject(new Error(`anvil exited with code ${code}: ${stderr}`)));
      setTimeout(
        () => reject(new Error(`anvil did not listen within 15 s: ${stderr}`)),
        15_000,
      ).unref();
    }),
  ]);
  const url = `http://127.0.0.1:${port}`;
  await waitUntilReady(child, url, () => stderr);
  return {
    url,
    port,
    chainId,
    rpc: (method, params = []) => jsonRpc(url, method, params),
    stop: () => stopProcess(child),
  };
}

async function waitUntilReady(
  child: ChildProcess,
  url: string,
  stderr: () => string,
): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(`anvil exited with code ${child.exitCode}: ${stderr()}`);
    }
    try {
      await jsonRpc(url, 'eth_chainId', []);
      return;
    } catch {
      await new Promise((r) => setTimeout(r, 30));
    }
  }
  await stopProcess(child);
  throw new Error(`anvil did not answer on ${url} within 15 s: ${stderr()}`);
}

async function stopProcess(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = new Promise<void>((resolve) => child.once('exit', () => resolve()));
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
  await exited;
  clearTimeout(timer);
}
