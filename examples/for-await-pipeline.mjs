#!/usr/bin/env node
/**
 * exstream with `for await` in an ES module: one async generator per stream (books, trades) and
 * symbol, merged into a single stream of events, then a stage that keeps per-symbol state (mid
 * price, traded volume, VWAP) and a sink that prints. Stopping is an AbortSignal: every watch is
 * released and the process ends by itself.
 *
 *   node examples/for-await-pipeline.mjs                        # embedded Binance simulator, 10 s
 *   node examples/for-await-pipeline.mjs --seconds 30
 *   node examples/for-await-pipeline.mjs --live                 # real Binance, public data (or EXSTREAM_LIVE=1)
 */
import { binance } from 'exstream';
import { simulate } from 'exstream/sim';

const argv = process.argv.slice(2);
const LIVE = argv.includes('--live') || process.env.EXSTREAM_LIVE === '1';
const SECONDS = Number(argv.indexOf('--seconds') >= 0 ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 10);
const SYMBOLS = ['BTC/USDT', 'ETH/USDT', 'BNB/USDT'];

/** Stage 1, sources: the top of a book after every update (a slow reader gets the latest, never a backlog). */
async function* bookTops(ex, symbol, signal) {
  const watch = ex.watchOrderBook(symbol);
  signal.addEventListener('abort', () => watch.return(), { once: true }); // ends a pending next() at once
  for await (const book of watch) {
    yield { kind: 'book', symbol, bid: book.bids[0]?.[0], ask: book.asks[0]?.[0] };
  }
}

/** Stage 1, sources: every public trade, one by one (trades are queued: none is lost). */
async function* tradeTape(ex, symbol, signal) {
  const watch = ex.watchTrades(symbol);
  signal.addEventListener('abort', () => watch.return(), { once: true });
  for await (const batch of watch) {
    for (const t of batch) yield { kind: 'trade', symbol, side: t.side, price: t.price, amount: t.amount };
  }
}

/** Stage 2: several async iterables as one, each value as soon as its source has it. */
async function* merge(sources) {
  const its = sources.map((s) => s[Symbol.asyncIterator]());
  const pending = new Map(its.map((it) => [it, it.next().then((r) => ({ it, r }))]));
  try {
    while (pending.size) {
      const { it, r } = await Promise.race(pending.values());
      if (r.done) {
        pending.delete(it);
        continue;
      }
      pending.set(it, it.next().then((r2) => ({ it, r: r2 })));
      yield r.value;
    }
  } finally {
    // a consumer that leaves early closes every source (and so releases its subscription)
    await Promise.all(its.map((it) => it.return?.()));
  }
}

/** Stage 3: per-symbol state, with a summary line per symbol once a second. */
async function* summaries(events) {
  const state = new Map();
  let last = Date.now();
  for await (const e of events) {
    const s = state.get(e.symbol) ?? { mid: undefined, books: 0, trades: 0, volume: 0, notional: 0 };
    state.set(e.symbol, s);
    if (e.kind === 'book') {
      s.books++;
      if (e.bid !== undefined && e.ask !== undefined) s.mid = (e.bid + e.ask) / 2;
    } else {
      s.trades++;
      s.volume += e.amount;
      s.notional += e.amount * e.price;
    }
    if (Date.now() - last >= 1000) {
      last = Date.now();
      for (const [symbol, x] of state) yield { symbol, ...x, vwap: x.volume ? x.notional / x.volume : undefined };
    }
  }
  // the sources ended: one last line per symbol
  for (const [symbol, x] of state) yield { symbol, ...x, vwap: x.volume ? x.notional / x.volume : undefined, final: true };
}

async function main() {
  const sim = LIVE ? undefined : await simulate('binance', { port: 0, seed: 21, symbols: SYMBOLS });
  const ex = new binance(sim ? { ws: true, urls: sim.urls } : { ws: true });
  ex.on('error', (err) => console.log(`error ${err.name}: ${err.message}`));

  const stop = new AbortController();
  const timer = setTimeout(() => stop.abort(), SECONDS * 1000);
  process.once('SIGINT', () => stop.abort());

  const sources = SYMBOLS.flatMap((symbol) => [bookTops(ex, symbol, stop.signal), tradeTape(ex, symbol, stop.signal)]);
  // Stage 4, the sink. The loop ends when every source has ended (after the abort).
  for await (const s of summaries(merge(sources))) {
    const mid = s.mid === undefined ? '-' : s.mid.toFixed(4);
    const vwap = s.vwap === undefined ? '-' : s.vwap.toFixed(4);
    console.log(`${s.final ? 'final ' : ''}${s.symbol.padEnd(9)} mid ${mid}  books ${s.books}  trades ${s.trades}  volume ${s.volume.toFixed(5)}  vwap ${vwap}`);
  }

  clearTimeout(timer);
  await ex.close();
  if (sim) await sim.close();
  console.log('pipeline done');
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
