/**
 * CryptoCloud project ids are integers (typed clients parse them so); a shop id
 * is text, so the CryptoCloud face and postback show this stable number derived from it.
 */
import { createHash } from 'node:crypto';

export function projectNumber(shopId: string): number {
  return Number.parseInt(createHash('sha256').update(shopId).digest('hex').slice(0, 12), 16);
}
