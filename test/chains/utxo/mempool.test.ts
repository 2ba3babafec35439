import { describe, expect, it } from 'vitest';
import { MempoolTracker } from '../../../src/chains/utxo/mempool.js';

describe('mempool tracker', () => {
  it('examines each mempool transaction once, and again after it left and came back', () => {
    const m = new MempoolTracker();
    expect(m.unseen(['a', 'b'])).toEqual(['a', 'b']);
    m.markSeen('a');
    m.markSeen('b');
    expect(m.unseen(['a', 'b', 'c'])).toEqual(['c']);
    m.retainSeen(new Set(['b']));
    expect(m.unseen(['a', 'b'])).toEqual(['a']);
  });

  it('names the pending payment a transaction double-spends, but not the transaction itself', () => {
    const m = new MempoolTracker();
    m.track('pay', ['x:0', 'y:1']);
    expect(m.conflictsWith('pay', ['x:0'])).toEqual([]);
    expect(m.conflictsWith('other', ['z:0', 'y:1'])).toEqual(['pay']);
    m.forget('pay');
    expect(m.conflictsWith('other', ['y:1'])).toEqual([]);
    expect(m.isPending('pay')).toBe(false);
  });

  it('lists pending payments missing from the mempool', () => {
    const m = new MempoolTracker();
    m.track('p1', ['a:0']);
    m.track('p2', ['b:0']);
    expect(m.missingFrom(new Set(['p2']))).toEqual(['p1']);
    expect(m.pendingCount).toBe(2);
  });
});
