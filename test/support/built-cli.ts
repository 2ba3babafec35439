/**
 * The kassa command as plain JavaScript, for tests that run it many times:
 * starting `node --import tsx` compiles the sources again for every command.
 * Each source file is transpiled on its own (no type check: `npm run
 * typecheck` does that) into node_modules/.cache, keyed by the sources' hash,
 * so test files and runs share one build until a source changes.
 */
import { createHash } from 'node:crypto';
import fs from 'node:fs';
import path from 'node:path';
import ts from 'typescript';

const ROOT = path.resolve(import.meta.dirname, '../..');
const SRC = path.join(ROOT, 'src');

function sources(dir: string): string[] {
  return fs
    .readdirSync(dir, { withFileTypes: true })
    .flatMap((e) => (e.isDirectory() ? sources(path.join(dir, e.name)) : [path.join(dir, e.name)]))
    .sort();
}

/** Path of the built CLI entry (`cli/main.js`), building it first when the sources changed. */
export function builtCli(): string {
  const files = sources(SRC);
  const hash = createHash('sha256');
  for (const f of files) hash.update(path.relative(SRC, f)).update('\0').update(fs.readFileSync(f));
  const out = path.join(
    ROOT,
    'node_modules',
    '.cache',
    'kassa-cli',
    hash.digest('hex').slice(0, 16),
  );
  const main = path.join(out, 'cli', 'main.js');
  if (fs.existsSync(main)) return main;
  const tmp = `${out}.${process.pid}.tmp`;
  fs.rmSync(tmp, { recursive: true, force: true });
  for (const f of files) {
    const rel = path.relative(SRC, f);
    const target = path.join(tmp, rel.replace(/\.ts$/, '.js'));
    fs.mkdirSync(path.dirname(target), { recursive: true });
    if (!f.endsWith('.ts')) {
      fs.copyFileSync(f, target);
      continue;
    }
    const js = ts.transpileModule(fs.readFileSync(f, 'utf8'), {
      fileName: f,
      compilerOptions: {
        target: ts.ScriptTarget.ES2022,
        // The package is "type": "module": every file is an ES module.
        module: ts.ModuleKind.ES2022,
        esModuleInterop: true,
        resolveJsonModule: true,
      },
    });
    fs.writeFileSync(target, js.outputText);
  }
  // Another test file may have finished the same build first; either copy is the same.
  try {
    fs.renameSync(tmp, out);
  } catch {
    fs.rmSync(tmp, { recursive: true, force: true });
  }
  return main;
}
