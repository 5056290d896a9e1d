'use strict';
const assert = require('assert');
const { renderLadder, depthBar, depthForHeight, decimalsOf, formatAge, formatBps } = require('../js/cli/ladder');
const { stripAnsi, visibleLength, compose } = require('../js/cli/ansi');

const PARTIAL = ['', '▏', '▎', '▍', '▌', '▋', '▊', '▉'];

/** Width of a bar in eighths of a cell. */
function eighths(bar) {
  let n = 0;
  for (const ch of bar) n += ch === '█' ? 8 : PARTIAL.indexOf(ch);
  return n;
}

const ROW = /^ +(\d+(?:\.\d+)?) +(\d+(?:\.\d+)?) +(\d+(?:\.\d+)?)(?: +([█▏▎▍▌▋▊▉]+))?$/;

/** Splits a plain frame into ask rows, the spread line and bid rows (top to bottom). */
function parseFrame(lines) {
  const spreadAt = lines.findIndex((l) => / mid /.test(l));
  assert.ok(spreadAt > 0, 'frame has a spread line');
  const rows = (part) =>
    part
      .map((l) => ROW.exec(l))
      .filter(Boolean)
      .map((m) => ({ price: +m[1], size: +m[2], total: +m[3], bar: m[4] || '' }));
  return { asks: rows(lines.slice(0, spreadAt)), spread: lines[spreadAt], bids: rows(lines.slice(spreadAt + 1)) };
}

const book = {
  asks: [
    [101, 1],
    [102, 2],
    [103, 3],
    [104, 4],
  ],
  bids: [
    [100, 2],
    [99, 2],
    [98, 4],
    [97, 8],
  ],
};

describe('cli renderLadder', () => {
  it('puts asks above bids, farthest ask on top, best levels next to the spread line', () => {
    const lines = renderLadder(book, { width: 80, depth: 3, priceDecimals: 2, amountDecimals: 3 });
    const f = parseFrame(lines);
    assert.deepStrictEqual(
      f.asks.map((r) => r.price),
      [103, 102, 101],
    );
    assert.deepStrictEqual(
      f.bids.map((r) => r.price),
      [100, 99, 98],
    );
    const spreadAt = lines.indexOf(f.spread);
    assert.match(lines[spreadAt - 1], /^ +101\.00 /, 'best ask right above the spread');
    assert.match(lines[spreadAt + 1], /^ +100\.00 /, 'best bid right below the spread');
  });

  it('sums sizes outward from the best level', () => {
    const f = parseFrame(renderLadder(book, { width: 80, depth: 4, amountDecimals: 3 }));
    assert.deepStrictEqual(
      f.asks.map((r) => [r.price, r.size, r.total]),
      [
        [104, 4, 10],
        [103, 3, 6],
        [102, 2, 3],
        [101, 1, 1],
      ],
    );
    assert.deepStrictEqual(
      f.bids.map((r) => [r.price, r.size, r.total]),
      [
        [100, 2, 2],
        [99, 2, 4],
        [98, 4, 8],
        [97, 8, 16],
      ],
    );
  });

  it('draws bars proportional to the cumulative size, on one scale for both sides', () => {
    const f = parseFrame(renderLadder(book, { width: 80, depth: 4 }));
    const rows = f.asks.concat(f.bids);
    const longest = Math.max(...rows.map((r) => eighths(r.bar)));
    const top = rows.find((r) => r.total === 16);
    assert.strictEqual(eighths(top.bar), longest, 'the largest total has the longest bar');
    for (const r of rows) {
      const expected = (r.total / 16) * longest;
      assert.ok(Math.abs(eighths(r.bar) - expected) <= 1, `bar of total ${r.total}: ${eighths(r.bar)}/8 vs ${expected}/8`);
    }
    assert.strictEqual(depthBar(0, 10, 20), '');
    assert.strictEqual(depthBar(10, 10, 3), '███');
    assert.strictEqual(depthBar(5, 10, 3), '█▌');
    assert.strictEqual(depthBar(0.0001, 10, 3), '▏', 'a non-zero total always shows');
  });

  it('never writes a line longer than the width, with or without colors', () => {
    const wide = {
      asks: [
        [123456.78, 123.456789],
        [123457.01, 0.00001],
      ],
      bids: [[123456.7, 98765.4321]],
    };
    for (const width of [1, 10, 20, 33, 40, 60, 80, 100, 160]) {
      for (const color of [false, true]) {
        const lines = renderLadder(wide, {
          width,
          height: 24,
          color,
          exchange: 'binance',
          symbol: 'BTC/USDT',
          tag: 'sim',
          status: 'reconnecting',
          rate: 1234.5,
          ageMs: 123456,
          resyncs: 12,
          message: 'BadResponse: binance BTC/USDT: a rather long error message that goes on and on',
        });
        for (const l of lines) assert.ok(visibleLength(l) <= width, `width ${width}: ${JSON.stringify(stripAnsi(l))}`);
      }
    }
  });

  it('shows mid and spread (absolute and bps) between the sides', () => {
    const lines = renderLadder(book, { width: 80, depth: 2, priceDecimals: 2 });
    const { spread } = parseFrame(lines);
    assert.match(spread, /^ +100\.50 +mid +spread 1\.00 +\(99\.5 bps\) ─+$/, 'a trailing 0 of the half tick is left blank');
    const dot = (l) => l.indexOf('.');
    assert.ok(lines.every((l) => !/\d\.\d/.test(l) || dot(l) === dot(spread)), 'decimal points line up');
    const tight = renderLadder(
      {
        asks: [[60000.01, 1]],
        bids: [[60000, 1]],
      },
      { width: 80, depth: 1, priceDecimals: 2 },
    );
    assert.match(parseFrame(tight).spread, /60000\.005 +mid +spread 0\.01 +\(0\.0017 bps\)/);
  });

  it('has a header with exchange, symbol, status, rate, age and resyncs, and a footer', () => {
    const lines = renderLadder(book, {
      width: 100,
      depth: 2,
      exchange: 'binance',
      symbol: 'BTC/USDT',
      status: 'open',
      rate: 38.25,
      ageMs: 42,
      resyncs: 3,
    });
    assert.match(lines[0], /binance +BTC\/USDT +● open +38\.3 upd\/s +last 42 ms ago +resyncs 3/);
    assert.strictEqual(lines[lines.length - 1], ' q or Ctrl-C to quit');
    assert.ok(!renderLadder(book, { width: 100, depth: 2, footer: false }).some((l) => /quit/.test(l)));
  });

  it('fits the height: depth from the rows, exactly that many lines, footer at the bottom', () => {
    assert.strictEqual(depthForHeight(24), 10);
    assert.strictEqual(depthForHeight(25), 10);
    assert.strictEqual(depthForHeight(30), 13);
    assert.strictEqual(depthForHeight(3), 1);
    const deep = { asks: [], bids: [] };
    for (let i = 0; i < 50; i++) {
      deep.asks.push([101 + i, 1]);
      deep.bids.push([100 - i, 1]);
    }
    for (const height of [9, 24, 25, 30]) {
      const lines = renderLadder(deep, { width: 80, height });
      assert.strictEqual(lines.length, height);
      const f = parseFrame(lines);
      assert.strictEqual(f.asks.length, depthForHeight(height));
      assert.strictEqual(f.bids.length, depthForHeight(height));
      assert.match(lines[height - 1], /q or Ctrl-C to quit/);
    }
    // an explicit depth larger than the screen is cut to fit
    assert.strictEqual(renderLadder(deep, { width: 80, height: 12, depth: 40 }).length, 12);
  });

  it('keeps the spread line in place when a side is short (blank rows above the asks)', () => {
    const lines = renderLadder({ asks: [[101, 1]], bids: [[100, 1]] }, { width: 60, depth: 3 });
    assert.deepStrictEqual(lines.slice(2, 4), ['', '']);
    assert.match(lines[4], /^ +101 /);
    assert.match(lines[5], / mid /);
  });

  it('says what it is waiting for when there is no book or an empty side', () => {
    assert.ok(renderLadder(undefined, { width: 60, depth: 2 }).some((l) => /waiting for the order book/.test(l)));
    assert.ok(renderLadder({ asks: [[1, 1]], bids: [] }, { width: 60, depth: 2 }).some((l) => /no bids/.test(l)));
  });

  it('colors asks red and bids green only when asked to', () => {
    const plain = renderLadder(book, { width: 80, depth: 2 });
    assert.ok(plain.every((l) => l === stripAnsi(l)));
    const colored = renderLadder(book, { width: 80, depth: 2, color: true });
    const spreadAt = colored.findIndex((l) => / mid /.test(stripAnsi(l)));
    assert.match(colored[spreadAt - 1], /\x1b\[(1;)?31m/);
    assert.match(colored[spreadAt + 1], /\x1b\[(1;)?32m/);
    assert.deepStrictEqual(colored.map(stripAnsi), plain);
  });

  it('formats numbers: decimals from ticks, ages, bps', () => {
    assert.strictEqual(decimalsOf(0.01), 2);
    assert.strictEqual(decimalsOf(0.00001), 5);
    assert.strictEqual(decimalsOf(1e-7), 7);
    assert.strictEqual(decimalsOf(60000), 0);
    assert.strictEqual(formatAge(12.4), '12 ms');
    assert.strictEqual(formatAge(3250), '3.3 s');
    assert.strictEqual(formatAge(125000), '2m 05s');
    assert.strictEqual(formatBps(99.502), '99.5');
    assert.strictEqual(formatBps(1.5), '1.50');
    assert.strictEqual(formatBps(0.00166), '0.0017');
    assert.strictEqual(compose([{ text: 'abcdef', style: 'red' }], 3, true), '\x1b[31mabc\x1b[0m');
  });
});
