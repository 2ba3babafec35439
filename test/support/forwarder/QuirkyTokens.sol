// SPDX-License-Identifier: MIT
pragma solidity ^0.8.24;

/// Like mainnet USDT: `transfer` and `transferFrom` return nothing, so a caller
/// that insists on a boolean return value reverts.
contract NoReturnToken {
    string public name;
    string public symbol;
    uint8 public immutable decimals;
    uint256 public totalSupply;
    mapping(address => uint256) public balanceOf;
    mapping(address => mapping(address => uint256)) public allowance;

    event Transfer(address indexed from, address indexed to, uint256 value);
    event Approval(address indexed owner, address indexed spender, uint256 value);

    constructor(string memory name_, string memory symbol_, uint8 decimals_, uint256 supply) {
        name = name_;
        symbol = symbol_;
        decimals = decimals_;
        totalSupply = supply;
        balanceOf[msg.sender] = supply;
        emit Transfer(address(0), msg.sender, supply);
    }

    function transfer(address to, uint256 value) external {
        _move(msg.sender, to, value);
    }

    function transferFrom(address from, address to, uint256 value) external {
        require(allowance[from][msg.sender] >= value, "allowance");
        allowance[from][msg.sender] -= value;
        _move(from, to, value);
    }

    function approve(address spender, uint256 value) external {
        allowance[msg.sender][spender] = value;
        emit Approval(msg.sender, spender, value);
    }

    function _move(address from, address to, uint256 value) private {
        require(balanceOf[from] >= value, "balance");
        balanceOf[from] -= value;
        balanceOf[to] += value;
        emit Transfer(from, to, value);
    }
}

/// Misbehaving tokens for the sweeper's guards: mode 0 returns false on success
/// (as TRON's USDT does), 1 always reverts on transfer, 2 burns all gas it is given.
contract HostileToken {
    uint8 public immutable mode;
    mapping(address => uint256) public balanceOf;

    event Transfer(address indexed from, address indexed to, uint256 value);

    constructor(uint8 mode_, uint256 supply) {
        mode = mode_;
        balanceOf[msg.sender] = supply;
    }

    function transfer(address to, uint256 value) external returns (bool) {
        if (mode == 1) revert("no transfers");
        if (mode == 2) {
            while (true) {}
        }
        require(balanceOf[msg.sender] >= value, "balance");
        balanceOf[msg.sender] -= value;
        balanceOf[to] += value;
        emit Transfer(msg.sender, to, value);
        return false;
    }

    /// Test setup only: lets a hostile token be funded while it still transfers.
    function mint(address to, uint256 value) external {
        balanceOf[to] += value;
        emit Transfer(address(0), to, value);
    }
}

/// Pays several addresses ETH from one transaction, as an exchange's batched
/// withdrawals or a contract wallet do: the recipients get it by internal calls,
/// never as a transaction of their own.
contract BatchPayer {
    function pay(address payable[] calldata to, uint256[] calldata amounts) external payable {
        require(to.length == amounts.length, "length");
        for (uint256 i = 0; i < to.length; i++) {
            (bool ok, ) = to[i].call{value: amounts[i]}("");
            require(ok, "send");
        }
    }
}
