'use strict';
/**
 * A realistic order-book delta stream for a book of L levels a side, calibrated on the real capture
 * (replaying its 124k level updates onto its own snapshot):
 *   - 9% are deletes of levels the book does not have (Binance sends those);
 *   - of the rest, 18% land within the top 10 levels, 33% at ranks 10-100, 44% at 100-1,000 and 5%
 *     deeper (ranks 1,000..L);
 *   - an empty price gets an insert; an existing one a delete (75%) or an amount change (25%), which
 *     keeps inserts ~= deletes (~40% each) and the book's size steady, as in the capture.
 * Prices sit on a 0.01 tick grid around 60,000 (tick t of the bids is 59,999.99 - t*0.01), with about
 * 57% of the ticks occupied (the equilibrium of the rule above), so rank r is near tick r / 0.57.
 * Deterministic (seeded); the same stream is given to every library. Batches have the sizes of the
 * capture's depth frames (median 16, mean 36 levels).
 */
const { frameSizes } = require('./capture');

function prng(seed) {
  // mulberry32
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const OCCUPANCY = 1 / 1.75;
const MID_TICKS = 6_000_000; // 60,000.00 in cents

function priceOf(side, t) {
  return side === 0 ? (MID_TICKS - 1 - t) / 100 : (MID_TICKS + 1 + t) / 100;
}

function amountOf(rand) {
  return Math.round(1 + rand() * 99_999) / 100_000;
}

/**
 * @returns {{ levels: number, snapshot: { bids: number[][], asks: number[][] },
 *   batches: { bids: number[][], asks: number[][], n: number }[], updates: number, mix: object }}
 * Snapshot sides are best first; batch levels are [price, amount] (amount 0 = delete), in order.
 */
function makeStream(levels, updates, seed = 42) {
  const rand = prng(seed ^ levels);
  const ticks = Math.ceil(levels / OCCUPANCY);
  const occ = [new Uint8Array(ticks), new Uint8Array(ticks)];
  const snapshot = { bids: [], asks: [] };
  for (let s = 0; s < 2; s++) {
    for (let t = 0; t < ticks; t++) {
      if (rand() < OCCUPANCY) {
        occ[s][t] = 1;
        (s === 0 ? snapshot.bids : snapshot.asks).push([priceOf(s, t), amountOf(rand)]);
      }
    }
  }
  const sizes = frameSizes();
  const batches = [];
  const mix = { absentDelete: 0, insert: 0, delete: 0, change: 0, top10: 0, to100: 0, to1000: 0, deeper: 0 };
  let made = 0;
  while (made < updates) {
    const size = Math.min(sizes[Math.floor(rand() * sizes.length)], updates - made);
    const b = { bids: [], asks: [], n: size };
    for (let k = 0; k < size; k++) {
      const s = rand() < 0.5 ? 0 : 1;
      const out = s === 0 ? b.bids : b.asks;
      if (rand() < 0.09) {
        // a level the book does not have: an empty tick inside the book, or one past its end
        let t;
        if (rand() < 0.5) {
          t = ticks + Math.floor(rand() * ticks);
        } else {
          t = Math.floor(rand() * ticks);
          for (let tries = 0; occ[s][t] && tries < 64; tries++) t = Math.floor(rand() * ticks);
          if (occ[s][t]) t = ticks + Math.floor(rand() * ticks);
        }
        out.push([priceOf(s, t), 0]);
        mix.absentDelete++;
        continue;
      }
      const r = rand();
      let rank;
      if (r < 0.18) {
        rank = rand() * 10;
        mix.top10++;
      } else if (r < 0.51) {
        rank = 10 * Math.pow(10, rand());
        mix.to100++;
      } else if (r < 0.95) {
        rank = 100 * Math.pow(10, rand());
        mix.to1000++;
      } else {
        rank = 1000 + rand() * Math.max(0, levels - 1000);
        mix.deeper++;
      }
      const t = Math.min(ticks - 1, Math.floor(rank / OCCUPANCY));
      if (!occ[s][t]) {
        occ[s][t] = 1;
        out.push([priceOf(s, t), amountOf(rand)]);
        mix.insert++;
      } else if (rand() < 0.75) {
        occ[s][t] = 0;
        out.push([priceOf(s, t), 0]);
        mix.delete++;
      } else {
        out.push([priceOf(s, t), amountOf(rand)]);
        mix.change++;
      }
    }
    batches.push(b);
    made += size;
  }
  for (const k of Object.keys(mix)) mix[k] = +(mix[k] / made).toFixed(3);
  return { levels, snapshot, batches, updates: made, mix };
}

module.exports = { makeStream };
