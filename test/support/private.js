'use strict';
/** Helpers for the private-data tests: await events, compare balances with the simulator's books. */
const net = require('net');
const { nextEvent, withTimeout, WAIT_MS } = require('./wait');

/**
 * Resolves with the first item of a private batch ('orders' / 'myTrades') matching `pred`.
 * Register it before the action that causes the event.
 */
function nextItem(ex, channel, pred, symbol) {
  return nextEvent(ex, channel, (list) => list.some(pred), symbol, { what: `a matching item of '${channel}'` }).then((list) => list.find(pred));
}

/** free + locked of two 8-decimal strings, exactly, as a number. */
function exactTotal(free, locked) {
  const units = (s) => BigInt(s.replace('.', ''));
  const t = (units(free) + units(locked)).toString().padStart(9, '0');
  return Number(`${t.slice(0, -8)}.${t.slice(-8)}`);
}

/** The simulator's balances of `assets` as unified entries (exact numbers of its decimal strings). */
function simBalances(sim, assets) {
  const b = sim.balances();
  const out = {};
  for (const a of assets) {
    const s = b[a] || { free: '0.00000000', locked: '0.00000000' };
    out[a] = { free: Number(s.free), used: Number(s.locked), total: exactTotal(s.free, s.locked) };
  }
  return out;
}

function pick(balance, assets) {
  const out = {};
  for (const a of assets) {
    const e = balance[a] || { free: 0, used: 0, total: 0 };
    out[a] = { free: e.free, used: e.used, total: e.total };
  }
  return out;
}

/**
 * Resolves once the client's live balance (ws: true) equals the simulator's exactly for `assets`,
 * checking the pull state and then every 'balance' event. Resolves with that balance.
 */
function balancesMatch(ex, sim, assets = ['USDT', 'BTC']) {
  const same = (b) => JSON.stringify(pick(b, assets)) === JSON.stringify(simBalances(sim, assets));
  let off = () => {};
  return withTimeout(`the client's ${assets.join(', ')} balances to equal the simulator's`, WAIT_MS, (resolve, reject) => {
    let done = false;
    const check = (b) => {
      if (done || !same(b)) return;
      done = true;
      resolve(b);
    };
    off = ex.on('balance', check);
    ex.fetchBalance().then(check, reject);
  }, () => off());
}

/** The simulator's flow account sells `qty` BTC at market: it hits the best BTCUSDT bid (ours, in these tests). */
function hitBids(sim, qty) {
  sim.engine.placeOrder({ account: 'flow', symbol: 'BTCUSDT', side: 'SELL', type: 'MARKET', quantity: qty });
}

/** A TCP port nothing listens on. */
function deadPort() {
  return new Promise((resolve) => {
    const s = net.createServer();
    s.listen(0, '127.0.0.1', () => {
      const { port } = s.address();
      s.close(() => resolve(port));
    });
  });
}

/** The rejection of a promise that must reject. */
async function rejection(p) {
  try {
    await p;
  } catch (e) {
    return e;
  }
  throw new Error('expected a rejection');
}

module.exports = { nextItem, balancesMatch, simBalances, pick, hitBids, deadPort, rejection };
