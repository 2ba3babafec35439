import type { Face } from '../face.js';

/** The hosted payment page (/pay/{id}). */
export const payFace: Face = async () => {};
