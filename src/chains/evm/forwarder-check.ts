/**
 * Verifies a forwarder factory on chain before Kassa hands out its deposit
 * addresses: the code at the factory address must hash to the code Kassa was
 * built with, so a look-alike factory (another treasury, an admin key) is refused.
 */
import type { Address, PublicClient } from 'viem';
import { checksumAddress, keccakHex } from './hex.js';
import { FORWARDER_FACTORY_CODE_HASH, isForwarderKey, parseForwarderKey } from './forwarder.js';

export class ForwarderFactoryMismatch extends Error {}

export class ForwarderFactoryCheck {
  /** Factories found genuine; their code cannot change (no owner, no upgrade, no SELFDESTRUCT). */
  private readonly verified = new Set<string>();
  private client: Promise<PublicClient> | null = null;

  constructor(private readonly rpcUrl: string | undefined) {}

  /** viem loads on the first check, not at start. */
  private rpc(url: string): Promise<PublicClient> {
    this.client ??= import('viem').then(({ createPublicClient, http }) =>
      createPublicClient({ transport: http(url, { timeout: 10_000, retryCount: 1 }) }),
    );
    return this.client;
  }

  /** Throws ForwarderFactoryMismatch unless `factory` holds the expected code. */
  async verify(factory: Address): Promise<void> {
    const key = checksumAddress(factory);
    if (this.verified.has(key)) return;
    if (!this.rpcUrl) {
      throw new ForwarderFactoryMismatch(
        'forwarder addresses need ETH_RPC_URL: the factory code must be verified on chain first',
      );
    }
    const code = await (await this.rpc(this.rpcUrl)).getCode({ address: key });
    if (!code || code === '0x') {
      throw new ForwarderFactoryMismatch(
        `no forwarder factory is deployed at ${key} on this chain (kassa forwarder deploy prints the deployment transaction)`,
      );
    }
    if (keccakHex(code) !== FORWARDER_FACTORY_CODE_HASH) {
      throw new ForwarderFactoryMismatch(
        `the contract at ${key} is not Kassa's forwarder factory (code hash ${keccakHex(code)}, expected ${FORWARDER_FACTORY_CODE_HASH})`,
      );
    }
    this.verified.add(key);
  }

  /** For a wallet key in forwarder mode, verifies its factory; other keys need nothing. */
  async ensureReady(chain: string, key: string): Promise<void> {
    if (chain !== 'ETH' || !isForwarderKey(key)) return;
    await this.verify(parseForwarderKey(key).factory);
  }
}
