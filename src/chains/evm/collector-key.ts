/** Reads the collector key from EVM_COLLECTOR_KEY or the file EVM_COLLECTOR_KEY_FILE names. */
export function collectorKey(
  value: string | undefined,
  file: string | undefined,
  read: (p: string) => string,
): string | undefined {
  const raw = value ?? (file ? read(file) : undefined);
  if (raw === undefined) return undefined;
  const key = raw.trim();
  const hex = key.startsWith('0x') ? key : `0x${key}`;
  if (!/^0x[0-9a-fA-F]{64}$/.test(hex)) {
    throw new Error('EVM_COLLECTOR_KEY must be a 32-byte hex private key');
  }
  return hex;
}
