/**
 * Form bodies as CryptoCloud clients send them, with PHP-style brackets
 * (`add_fields[time_to_pay][hours]=1`, `uuids[]=...`), into null-prototype
 * objects with prototype keys refused (body-safety, which also reads exact JSON).
 */
import { checkKey, emptyTree, MAX_BODY_DEPTH, tooDeep, type Tree } from '../body-safety.js';

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
