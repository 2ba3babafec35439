// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Deposit addresses that pay out to one fixed treasury, collected in batches.
///
/// A deposit address is the CREATE2 address of a Sweeper deployed by this
/// factory with a given salt and a treasury baked into its init code. Nothing
/// lives there until `collect`: the address is codeless, so any sender (a
/// 21,000-gas exchange withdrawal included) can pay it ETH or any token.
/// `collect` deploys the sweeper, which moves the address's token balances and
/// ETH to the treasury and self-destructs in the same transaction (EIP-6780),
/// leaving the address codeless again and collectable again with the same salt.
///
/// No owner, no upgrade, no admin: whoever calls `collect` pays the gas and can
/// send funds only to the treasury the address was computed from.
///
/// Gas matters more than elegance here (every collected invoice pays for it), so
/// the hot paths are assembly: one event per batch, the token list handed to
/// sweepers as raw words, no ABI decoding in the sweeper.
contract ForwarderFactory {
    /// Transient slot holding the token list of the collect call in progress.
    bytes32 private constant TOKENS_SLOT = keccak256("kassa.forwarder.tokens");

    /// One per collect call that swept anything: the salts (8 bytes each, as `collect` takes
    /// them) of the deposit addresses whose sweeper ran, in call order; `depositAddress` gives
    /// the addresses. Packed because log data is paid per byte on every collected invoice.
    /// The balances moved are in the tokens' Transfer logs.
    event Collected(address indexed treasury, bytes salts);

    error Reentrant();
    error BadSalts();
    error OutOfGas();

    /// What one sweep needs besides its token calls (CREATE2, SELFDESTRUCT to a new account).
    uint256 private constant SWEEP_BASE_GAS = 100_000;

    /// The deposit address for `treasury` and `salt`.
    function depositAddress(address treasury, bytes32 salt) external view returns (address) {
        bytes32 initHash = keccak256(abi.encodePacked(type(Sweeper).creationCode, abi.encode(treasury)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initHash)))));
    }

    /// Sweeps ETH and every listed token from the deposit addresses of `salts` to `treasury`.
    /// `salts` packs 8 bytes per address (a deposit index; the CREATE2 salt is that number as a
    /// 32-byte word): a third of the call data of a bytes32[] on every collected invoice.
    /// An address that cannot be swept (or a token that fails) is skipped, never reverting the batch.
    function collect(address treasury, bytes calldata salts, address[] calldata tokens) external {
        if (salts.length % 8 != 0) revert BadSalts();
        bytes32 slot = TOKENS_SLOT;
        uint256 pending;
        assembly {
            pending := tload(slot)
        }
        // A token calling back into collect would see a half-written list.
        if (pending != 0) revert Reentrant();
        _storeTokens(slot, tokens);
        bytes memory initCode = abi.encodePacked(type(Sweeper).creationCode, abi.encode(treasury));
        bytes32 collected = Collected.selector;
        bytes4 outOfGas = OutOfGas.selector;
        assembly {
            let code := add(initCode, 0x20)
            let codeLen := mload(initCode)
            // Event data in free memory: ABI offset, byte length, then the swept salts.
            let log := mload(0x40)
            mstore(log, 0x20)
            let out := add(log, 0x40)
            let saltsEnd := add(salts.offset, salts.length)
            for { let at := salts.offset } lt(at, saltsEnd) { at := add(at, 8) } {
                // Too little gas must revert, not skip: otherwise gas estimation settles on a
                // limit at which sweeps silently do nothing.
                if lt(gas(), SWEEP_BASE_GAS) {
                    mstore(0, outOfGas)
                    revert(0, 4)
                }
                let salt := shr(192, calldataload(at))
                let deposit := create2(0, code, codeLen, salt)
                // A sweeper reverts only for lack of gas: pass that on. A failure without data is
                // an address already swept earlier in this transaction (a repeated salt): skip it.
                if iszero(deposit) {
                    if returndatasize() {
                        returndatacopy(0, 0, returndatasize())
                        revert(0, returndatasize())
                    }
                }
                if deposit {
                    mstore(out, shl(192, salt))
                    out := add(out, 8)
                }
            }
            let size := sub(out, add(log, 0x40))
            if size {
                mstore(add(log, 0x20), size)
                // Zero padding up to a whole word, as ABI-encoded bytes have.
                mstore(out, 0)
                log2(log, add(0x40, and(add(size, 31), not(31))), collected, treasury)
            }
        }
        _clearTokens(slot, tokens.length);
    }

    /// Sweepers call the factory with no data to read the token list of the collect call in
    /// progress: raw 32-byte words, no ABI head (cheaper than a function, and it runs once per
    /// sweep); empty outside a collect. Any call with data (an unknown function) reverts.
    fallback() external {
        bytes32 slot = TOKENS_SLOT;
        assembly {
            if calldatasize() {
                revert(0, 0)
            }
            let head := tload(slot)
            let n := shr(160, head)
            if n {
                n := sub(n, 1)
            }
            if n {
                mstore(0, and(head, 0xffffffffffffffffffffffffffffffffffffffff))
            }
            for { let i := 1 } lt(i, n) { i := add(i, 1) } {
                mstore(shl(5, i), tload(add(slot, i)))
            }
            return(0, shl(5, n))
        }
    }

    /// The slot holds the first token with length + 1 above its 160 bits (so an empty list still
    /// marks a collect in progress, and a one-token list costs one read); later tokens follow it.
    function _storeTokens(bytes32 slot, address[] calldata tokens) private {
        uint256 n = tokens.length;
        assembly {
            let head := shl(160, add(n, 1))
            if n {
                head := or(head, and(calldataload(tokens.offset), 0xffffffffffffffffffffffffffffffffffffffff))
            }
            tstore(slot, head)
            for { let i := 1 } lt(i, n) { i := add(i, 1) } {
                tstore(add(slot, i), calldataload(add(tokens.offset, shl(5, i))))
            }
        }
    }

    function _clearTokens(bytes32 slot, uint256 n) private {
        assembly {
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                tstore(add(slot, i), 0)
            }
            tstore(slot, 0)
        }
    }
}

/// Lives for one constructor call at a deposit address: moves the listed token
/// balances and all ETH to the treasury, then self-destructs. Assembly, because it
/// runs once per collected invoice.
contract Sweeper {
    /// Caps what one token may spend, so a broken token cannot starve the rest of the batch.
    uint256 private constant TOKEN_CALL_GAS = 150_000;
    /// Gas left before a token's two calls that guarantees each its full TOKEN_CALL_GAS (63/64
    /// rule): 2 * (TOKEN_CALL_GAS * 64 / 63 + 5,000), written out so it costs nothing at run time.
    uint256 private constant TOKEN_CALL_RESERVE = 314_760;

    error OutOfGas();

    /// The treasury is the word the factory appends to this init code (read from the code
    /// rather than declared as a constructor argument, which would cost an ABI decode per sweep).
    constructor() payable {
        bytes4 outOfGas = OutOfGas.selector;
        uint256 reserve = TOKEN_CALL_RESERVE;
        assembly {
            codecopy(0, sub(codesize(), 0x20), 0x20)
            let treasury := mload(0)
            // The token list from the factory (the deployer), raw words. It cannot fail but for
            // gas, which must revert with data so the batch fails rather than skip this address.
            if iszero(staticcall(gas(), caller(), 0, 0, 0, 0)) {
                mstore(0, outOfGas)
                revert(0, 4)
            }
            let list := 0x80
            let end := add(list, returndatasize())
            returndatacopy(list, 0, returndatasize())
            for { let p := list } lt(p, end) { p := add(p, 0x20) } {
                // A token call that fails must be the token's fault, never a short gas limit.
                if lt(gas(), reserve) {
                    mstore(0, outOfGas)
                    revert(0, 4)
                }
                let token := mload(p)
                mstore(0, 0x70a0823100000000000000000000000000000000000000000000000000000000) // balanceOf(address)
                mstore(4, address())
                let held := 0
                let ok := staticcall(TOKEN_CALL_GAS, token, 0, 0x24, 0, 0x20)
                if and(ok, gt(returndatasize(), 0x1f)) {
                    held := mload(0)
                }
                // Return values are not trusted: USDT returns nothing and TRON's USDT returns false
                // on success. Whatever did not move stays here and is swept by a later collect.
                if held {
                    mstore(0, 0xa9059cbb00000000000000000000000000000000000000000000000000000000) // transfer(address,uint256)
                    mstore(4, treasury)
                    mstore(0x24, held)
                    // Return data is ignored and never copied, so a token cannot bloat memory.
                    pop(call(TOKEN_CALL_GAS, token, 0, 0, 0x44, 0, 0))
                }
            }
            // Sends all ETH without calling the treasury's code; deletes the account (EIP-6780).
            selfdestruct(treasury)
        }
    }
}
