/** Rebuilds the committed artifact: `npx tsx test/support/erc20/build.ts`. */
import { writeFileSync } from 'node:fs';
import { ARTIFACT_PATH, compileTestToken } from './compile.js';

const compiled = compileTestToken();
writeFileSync(ARTIFACT_PATH, JSON.stringify(compiled, null, 2) + '\n');
console.log(
  `wrote ${ARTIFACT_PATH} (${compiled.compiler}, ${(compiled.bytecode.length - 2) / 2} bytes)`,
);
