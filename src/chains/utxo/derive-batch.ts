/**
 * Many receive addresses of one key at once, for the pool that derives ahead of
 * time. Same BIP32 public derivation as @scure/bip32's `deriveChild`, without
 * what it repeats per child: the parent point is decoded once (not twice per
 * child), the base-point multiply skips the constant-time ladder (the tweak is
 * public: anyone with the xpub computes it), one field inversion serves the
 * whole batch, and the address is encoded from the key hash without decoding
 * the public key again.
 */
import { secp256k1 } from '@noble/curves/secp256k1.js';
import { normalizeZ } from '@noble/curves/abstract/curve.js';
import { hmac } from '@noble/hashes/hmac.js';
import { sha512 } from '@noble/hashes/sha2.js';
import type { HDKey } from '@scure/bip32';
import { encodeAddress } from './address.js';
import type { ScriptType, UtxoNetwork } from './networks.js';

const Point = secp256k1.Point;
type Point = InstanceType<typeof Point>;

interface Parent {
  readonly point: Point;
  readonly publicKey: Uint8Array;
  readonly chainCode: Uint8Array;
}

const parents = new WeakMap<HDKey, Parent>();

function parentOf(node: HDKey): Parent {
  let p = parents.get(node);
  if (!p) {
    if (!node.publicKey || !node.chainCode) throw new Error('key has no public key or chain code');
    p = {
      point: Point.fromBytes(node.publicKey),
      publicKey: node.publicKey,
      chainCode: node.chainCode,
    };
    parents.set(node, p);
  }
  return p;
}

/**
 * The addresses of children `from` .. `from + count - 1` of `node`. An index
 * the fast path cannot serve (a tweak out of range, odds about 2^-127) comes
 * from `single`, the library's derivation, so the result always equals it.
 */
export function deriveChildAddresses(
  node: HDKey,
  from: number,
  count: number,
  type: ScriptType,
  net: UtxoNetwork,
  single: (index: number) => string,
): string[] {
  const parent = parentOf(node);
  const data = new Uint8Array(37);
  data.set(parent.publicKey);
  const view = new DataView(data.buffer);
  const points: Point[] = [];
  const slots: (number | string)[] = [];
  for (let i = from; i < from + count; i++) {
    view.setUint32(33, i);
    const tweak = Point.Fn.fromBytes(hmac(sha512, parent.chainCode, data).subarray(0, 32), true);
    const child = Point.Fn.isValid(tweak)
      ? parent.point.add(Point.BASE.multiplyUnsafe(tweak))
      : Point.ZERO;
    if (child.is0()) slots.push(single(i));
    else slots.push(points.push(child) - 1);
  }
  const affine = normalizeZ(Point, points);
  return slots.map((s) =>
    typeof s === 'string' ? s : encodeAddress(affine[s]!.toBytes(true), type, net),
  );
}
