/** Runs a Kassa (or another server) in its own OS process, for multi-process tests and benchmarks. */
import { spawn, type ChildProcess } from 'node:child_process';
import fs from 'node:fs';
import { builtCli } from './built-cli.js';

export interface ServerProcess {
  readonly url: string;
  readonly child: ChildProcess;
  rssMiB(): number;
  stop(): Promise<void>;
}

export async function startProcess(
  script: string,
  args: string[],
  env: Record<string, string>,
): Promise<ServerProcess> {
  // The child binds port 0 itself and prints the URL it listens on: no port is found free and bound later.
  // Kassa itself runs from the shared transpiled build; other scripts through the TypeScript loader.
  const entry = script === 'src/cli/main.ts' ? builtCli() : script;
  const child = spawn(
    process.execPath,
    [...(entry.endsWith('.js') ? [] : ['--import', 'tsx']), entry, ...args],
    {
      env: { ...process.env, ...env, PORT: '0', HOST: '127.0.0.1' },
      stdio: ['ignore', 'pipe', 'pipe'],
    },
  );
  let output = '';
  child.stdout?.on('data', (d) => (output += d));
  child.stderr?.on('data', (d) => (output += d));
  const deadline = Date.now() + 60_000;
  let url = '';
  for (;;) {
    if (child.exitCode !== null) throw new Error(`${script} exited: ${output}`);
    url ||= /listening on (http:\/\/127\.0\.0\.1:\d+)/.exec(output)?.[1] ?? '';
    try {
      if (url && (await fetch(`${url}/healthz`)).ok) break;
    } catch {
      /* not up yet */
    }
    if (Date.now() > deadline) throw new Error(`${script} did not start: ${output}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  return {
    url,
    child,
    rssMiB() {
      const status = fs.readFileSync(`/proc/${child.pid}/status`, 'utf8');
      const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1] ?? 0);
      return kb / 1024;
    },
    async stop() {
      child.kill('SIGTERM');
      await new Promise((r) => child.once('exit', r));
    },
  };
}
