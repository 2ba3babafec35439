import type { Face } from '../face.js';

/** The CryptoCloud-compatible API (/v2/..., legacy /v1/...). */
export const cryptocloudFace: Face = async () => {};
