/**
 * The parts of the TRON full-node HTTP API responses (java-tron, TronGrid)
 * that the watcher reads, with `visible: false` (hex addresses). Amounts of
 * TransferContract arrive as strings because the client quotes them before
 * JSON.parse (int64 sun can exceed 2^53).
 */

export interface TronBlock {
  readonly blockID: string;
  readonly block_header: {
    readonly raw_data: {
      readonly number?: number;
      readonly parentHash: string;
      readonly timestamp?: number;
      readonly txTrieRoot?: string;
      readonly witness_address?: string;
      readonly version?: number;
    };
    readonly witness_signature?: string;
  };
  readonly transactions?: readonly TronTransaction[];
}

export interface TronTransaction {
  readonly txID: string;
  readonly ret?: readonly { readonly contractRet?: string }[];
  readonly signature?: readonly string[];
  readonly raw_data: {
    readonly contract: readonly TronContract[];
    readonly ref_block_bytes?: string;
    readonly ref_block_hash?: string;
    readonly expiration?: number;
    readonly fee_limit?: number;
    readonly timestamp?: number;
  };
  readonly raw_data_hex?: string;
}

export interface TronContract {
  readonly type: string;
  readonly parameter: {
    readonly type_url?: string;
    readonly value: {
      readonly owner_address?: string;
      readonly to_address?: string;
      readonly contract_address?: string;
      readonly amount?: string | number;
      readonly data?: string;
    };
  };
}

export interface TronLog {
  readonly address: string;
  readonly topics?: readonly string[];
  readonly data?: string;
}

export interface TronTransactionInfo {
  readonly id: string;
  readonly fee?: number;
  readonly blockNumber?: number;
  readonly blockTimeStamp?: number;
  readonly contractResult?: readonly string[];
  readonly contract_address?: string;
  readonly receipt?: { readonly result?: string };
  readonly log?: readonly TronLog[];
  /** Present as "FAILED" when the transaction failed. */
  readonly result?: string;
  readonly resMessage?: string;
}
