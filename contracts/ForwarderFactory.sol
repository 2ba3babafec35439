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
contract ForwarderFactory {
    /// Transient slot holding the token list of the collect call in progress.
    bytes32 private constant TOKENS_SLOT = keccak256("kassa.forwarder.tokens");

    /// One per deposit address swept (its sweeper ran); the balances are in the Transfer logs.
    event Collected(address indexed treasury, address indexed deposit, bytes32 salt);

    error Reentrant();

    /// What one sweep needs besides its token calls (CREATE2, the token list, SELFDESTRUCT to a new account).
    uint256 private constant SWEEP_BASE_GAS = 100_000;

    /// The deposit address for `treasury` and `salt`.
    function depositAddress(address treasury, bytes32 salt) external view returns (address) {
        bytes32 initHash = keccak256(abi.encodePacked(type(Sweeper).creationCode, abi.encode(treasury)));
        return address(uint160(uint256(keccak256(abi.encodePacked(bytes1(0xff), address(this), salt, initHash)))));
    }

    /// Sweeps ETH and every listed token from the deposit addresses of `salts` to `treasury`.
    /// An address that cannot be swept (or a token that fails) is skipped, never reverting the batch.
    function collect(address treasury, bytes32[] calldata salts, address[] calldata tokens) external {
        bytes32 slot = TOKENS_SLOT;
        uint256 pending;
        assembly {
            pending := tload(slot)
        }
        // A token calling back into collect would see a half-written list.
        if (pending != 0) revert Reentrant();
        _storeTokens(slot, tokens);
        bytes memory initCode = abi.encodePacked(type(Sweeper).creationCode, abi.encode(treasury));
        for (uint256 i = 0; i < salts.length; i++) {
            // Too little gas must revert, not skip: otherwise gas estimation settles on a limit at
            // which sweeps silently do nothing.
            if (gasleft() < SWEEP_BASE_GAS) revert Sweeper.OutOfGas();
            bytes32 salt = salts[i];
            address deposit;
            assembly {
                deposit := create2(0, add(initCode, 0x20), mload(initCode), salt)
                // A sweeper reverts only for lack of gas: pass that on. A failure without data is
                // an address already swept earlier in this transaction (a repeated salt): skip it.
                if and(iszero(deposit), gt(returndatasize(), 0)) {
                    returndatacopy(0, 0, returndatasize())
                    revert(0, returndatasize())
                }
            }
            if (deposit != address(0)) emit Collected(treasury, deposit, salt);
        }
        _clearTokens(slot, tokens.length);
    }

    /// The token list of the collect call in progress; sweepers read it from their constructor.
    function pendingTokens() external view returns (address[] memory tokens) {
        bytes32 slot = TOKENS_SLOT;
        uint256 n;
        assembly {
            n := tload(slot)
        }
        if (n == 0) return tokens;
        tokens = new address[](n - 1);
        for (uint256 i = 0; i < n - 1; i++) {
            address t;
            assembly {
                t := tload(add(slot, add(i, 1)))
            }
            tokens[i] = t;
        }
    }

    /// Length + 1 at the slot (so an empty list still marks a collect in progress), tokens after it.
    function _storeTokens(bytes32 slot, address[] calldata tokens) private {
        uint256 n = tokens.length;
        assembly {
            tstore(slot, add(n, 1))
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                tstore(add(slot, add(i, 1)), calldataload(add(tokens.offset, mul(i, 0x20))))
            }
        }
    }

    function _clearTokens(bytes32 slot, uint256 n) private {
        assembly {
            tstore(slot, 0)
            for { let i := 0 } lt(i, n) { i := add(i, 1) } {
                tstore(add(slot, add(i, 1)), 0)
            }
        }
    }
}

interface ITokenList {
    function pendingTokens() external view returns (address[] memory);
}

/// Lives for one constructor call at a deposit address: moves the listed token
/// balances and all ETH to the treasury, then self-destructs.
contract Sweeper {
    /// Caps what one token may spend, so a broken token cannot starve the rest of the batch.
    uint256 private constant TOKEN_CALL_GAS = 150_000;
    /// Gas left before a token call that guarantees the call its full TOKEN_CALL_GAS (63/64 rule).
    uint256 private constant TOKEN_CALL_RESERVE = (TOKEN_CALL_GAS * 64) / 63 + 5_000;

    error OutOfGas();

    constructor(address treasury) payable {
        address[] memory tokens = ITokenList(msg.sender).pendingTokens();
        for (uint256 i = 0; i < tokens.length; i++) {
            _sweep(tokens[i], treasury);
        }
        // Sends all ETH without calling the treasury's code; deletes the account (EIP-6780).
        selfdestruct(payable(treasury));
    }

    /// Return values are not trusted: USDT returns nothing and TRON's USDT returns false on
    /// success. Whatever did not move stays here and is swept by a later collect.
    function _sweep(address token, address treasury) private {
        // A token call that fails must be the token's fault, never a short gas limit.
        if (gasleft() < 2 * TOKEN_CALL_RESERVE) revert OutOfGas();
        uint256 held;
        bool ok;
        assembly {
            let p := mload(0x40)
            mstore(p, shl(224, 0x70a08231)) // balanceOf(address)
            mstore(add(p, 4), address())
            ok := staticcall(TOKEN_CALL_GAS, token, p, 0x24, p, 0x20)
            if and(ok, iszero(lt(returndatasize(), 0x20))) {
                held := mload(p)
            }
        }
        if (held == 0) return;
        assembly {
            let p := mload(0x40)
            mstore(p, shl(224, 0xa9059cbb)) // transfer(address,uint256)
            mstore(add(p, 4), treasury)
            mstore(add(p, 0x24), held)
            // Return data is ignored and never copied, so a token cannot bloat memory.
            pop(call(TOKEN_CALL_GAS, token, 0, p, 0x44, 0, 0))
        }
    }
}
