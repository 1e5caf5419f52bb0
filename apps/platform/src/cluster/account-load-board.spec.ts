import { AccountLoadBoard } from './account-load-board';

describe('AccountLoadBoard', () => {
  it('sums the nodes’ counts per account and names the accounts that changed', () => {
    const board = new AccountLoadBoard(6000);
    expect(
      board.record(
        'A',
        [
          ['AC1', 2, 1],
          ['AC2', 1, 0],
        ],
        0,
      ),
    ).toEqual(['AC1', 'AC2']);
    expect(board.record('B', [['AC1', 3, 0]], 0)).toEqual(['AC1']);
    expect(board.elsewhere('AC1')).toEqual({ live: 5, waiting: 1 });
    // Repeating the same counts changes nothing.
    expect(board.record('A', [['AC1', 2, 1]], 1000)).toEqual([]);
    expect(board.record('A', [['AC1', 0, 0]], 1000)).toEqual(['AC1']);
    expect(board.elsewhere('AC1')).toEqual({ live: 3, waiting: 0 });
    expect(board.elsewhere('AC3')).toEqual({ live: 0, waiting: 0 });
  });

  it('drops the counts a node stops repeating, and a node that said goodbye at once', () => {
    const board = new AccountLoadBoard(6000);
    board.record('A', [['AC1', 2, 0]], 0);
    board.record('B', [['AC1', 1, 0]], 0);
    board.record('B', [['AC1', 1, 0]], 5000);
    expect(board.expire(6500)).toEqual(['AC1']);
    expect(board.elsewhere('AC1')).toEqual({ live: 1, waiting: 0 });
    expect(board.forget('B')).toEqual(['AC1']);
    expect(board.elsewhere('AC1')).toEqual({ live: 0, waiting: 0 });
    expect(board.forget('B')).toEqual([]);
  });
});
