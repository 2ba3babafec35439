/**
 * Request bodies as CryptoCloud clients send them: JSON whose numbers keep their
 * source text (an amount never passes through a float), or form fields with
 * PHP-style brackets (`add_fields[time_to_pay][hours]=1`, `uuids[]=...`).
 * Both build null-prototype objects and refuse prototype keys (body-safety).
 */
import {
  checkJsonDepth,
  checkKey,
  detach,
  emptyTree,
  MAX_BODY_DEPTH,
  tooDeep,
  type Tree,
} from '../body-safety.js';

/** A JSON number exactly as written in the request. */
export class RawNumber {
  constructor(readonly text: string) {}
}

const MARK = '\u0000n:';

/** Rewrites every number token outside strings into a marked string, so JSON.parse cannot round it. */
function markNumbers(src: string): string {
  let out = '';
  let i = 0;
  while (i < src.length) {
    const c = src[i]!;
    if (c === '"') {
      let j = i + 1;
      while (j < src.length && src[j] !== '"') j += src[j] === '\\' ? 2 : 1;
      out += src.slice(i, j + 1);
      i = j + 1;
    } else if (c === '-' || (c >= '0' && c <= '9')) {
      let j = i + 1;
      while (j < src.length && /[0-9.eE+-]/.test(src[j]!)) j++;
      const token = src.slice(i, j);
      if (!/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(token))
        throw new SyntaxError(`invalid number ${token}`);
      out += JSON.stringify(MARK + token);
      i = j;
    } else {
      out += c;
      i++;
    }
  }
  return out;
}

const revive = (v: unknown): unknown =>
  typeof v === 'string' && v.startsWith(MARK) ? new RawNumber(v.slice(MARK.length)) : v;

/** JSON.parse that keeps numbers as RawNumber; an empty body is an empty object. */
export function parseExactJson(text: string): unknown {
  if (text.trim() === '') return emptyTree();
  checkJsonDepth(text);
  return detach(JSON.parse(markNumbers(text)), revive);
}

function setPath(root: Tree, path: string[], value: unknown): void {
  let node: Tree = root;
  for (let i = 0; i < path.length - 1; i++) {
    const key = path[i]!;
    const next = node[key];
    if (next && typeof next === 'object' && !Array.isArray(next)) node = next as Tree;
    else node = node[key] = emptyTree();
  }
  const last = path[path.length - 1]!;
  if (last === '') {
    // `uuids[]=a&uuids[]=b`
    const arr = Array.isArray(node['']) ? (node[''] as unknown[]) : [];
    node[''] = arr.concat(value);
    return;
  }
  node[last] = value;
}

/** Objects whose keys are all "" or 0..n become arrays (`uuids[0]`, `uuids[]`). */
function arrays(v: unknown): unknown {
  if (!v || typeof v !== 'object' || Array.isArray(v)) return Array.isArray(v) ? v.map(arrays) : v;
  const o = v as Tree;
  const keys = Object.keys(o);
  if (keys.length === 1 && keys[0] === '') return arrays(o['']);
  if (keys.length > 0 && keys.every((k) => /^\d+$/.test(k))) {
    return keys.sort((a, b) => Number(a) - Number(b)).map((k) => arrays(o[k]));
  }
  const out = emptyTree();
  for (const k of keys) out[k] = arrays(o[k]);
  return out;
}

/** Turns flat form fields with bracket keys into nested objects and arrays. */
export function unflattenForm(fields: Record<string, unknown>): Record<string, unknown> {
  const root = emptyTree();
  for (const [key, value] of Object.entries(fields)) {
    const m = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!m || !m[2]) {
      checkKey(key);
      root[key] = value;
      continue;
    }
    const path = [m[1]!, ...[...m[2].matchAll(/\[([^[\]]*)\]/g)].map((x) => x[1]!)];
    if (path.length > MAX_BODY_DEPTH) throw tooDeep(m[1]);
    path.forEach((p, i) => checkKey(p, path.slice(0, i).join('.')));
    setPath(root, path, value);
  }
  return arrays(root) as Record<string, unknown>;
}

export { JsonDecimal, stringifyExact } from '../../domain/exact-json.js';
