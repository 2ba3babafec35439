/**
 * The parts of Bitcoin Core's verbose JSON (getblock verbosity 2,
 * getrawtransaction verbose) the watcher reads. Amounts are exact strings
 * (see exact-json.ts).
 */

export interface NodeTxInput {
  /** Absent on coinbase inputs (and Litecoin MWEB inputs). */
  readonly txid?: string;
  readonly vout?: number;
  readonly coinbase?: string;
  readonly sequence: number;
}

export interface NodeTxOutput {
  readonly value: string | number;
  readonly n: number;
  readonly scriptPubKey: {
    /** Bitcoin Core 22+ */
    readonly address?: string;
    /** Bitcoin Core <= 0.21 and Litecoin Core 0.21 */
    readonly addresses?: readonly string[];
    readonly hex?: string;
    readonly type?: string;
  };
}

export interface NodeTx {
  readonly txid: string;
  readonly vin: readonly NodeTxInput[];
  readonly vout: readonly NodeTxOutput[];
  /** Present once the transaction is in a block. */
  readonly blockhash?: string;
  readonly confirmations?: number;
}

export interface NodeBlock {
  readonly hash: string;
  readonly height: number;
  readonly previousblockhash?: string;
  readonly tx: readonly NodeTx[];
}

export interface NodeBlockHeader {
  readonly hash: string;
  readonly height: number;
  /** -1 when the block is not on the node's active chain. */
  readonly confirmations: number;
  readonly previousblockhash?: string;
}
