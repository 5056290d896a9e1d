/**
 * The quick start in TypeScript: one book, three ways, with the package's own types. CI type-checks
 * this file against the built declarations (`npm run examples:types`, part of `npm test`).
 *
 *   npm run examples:ts                           # compile and run against the embedded simulator
 *   npm run examples:ts -- --live                 # real Binance, public data (or EXSTREAM_LIVE=1)
 */
import { binance, errors, type BatchOrder, type Exchange, type Order, type OrderBookSnapshot, type OrderBookView, type StatusEvent } from 'exstream';
import { simulate, type Simulator } from 'exstream/sim';

const LIVE = process.argv.includes('--live') || process.env.EXSTREAM_LIVE === '1';
const SYMBOL = 'BTC/USDT';

async function main(): Promise<void> {
  const sim: Simulator | undefined = LIVE ? undefined : await simulate('binance', { port: 0, seed: 3, symbols: [SYMBOL] });
  const ex: Exchange = new binance({ ws: true, urls: sim?.urls });
  ex.on('status', (s: StatusEvent) => console.log(`status ${s.state}`));

  // 1. pull: the first call subscribes and resolves once the book is synced; the result is a copy
  const book: OrderBookSnapshot = await ex.fetchOrderBook(SYMBOL);
  console.log('pull     best bid', book.bids[0], 'best ask', book.asks[0], 'nonce', book.nonce);

  // 2. push, callbacks: the live book after every merged update (typed by the channel name)
  let updates = 0;
  const off = ex.on('orderbook', SYMBOL, (b: OrderBookView) => {
    if (++updates === 1) console.log('callback best bid', b.limit(1).bids[0], 'nonce', b.nonce);
  });

  // 3. push, async generator: a slow reader always gets the latest book, never a backlog
  for await (const b of ex.watchOrderBook(SYMBOL)) {
    const [price, amount] = b.asks[0];
    console.log('for-await best ask', [price, amount], 'nonce', b.nonce);
    break; // leaving the loop releases the subscription
  }
  const next = await ex.watchOrderBook(SYMBOL); // or just the next update, ccxt-style
  console.log('await    next update nonce', next.nonce);

  // errors are the ccxt classes: narrow them with instanceof
  try {
    await ex.fetchOrderBook('NOPE/USDT');
  } catch (err) {
    if (err instanceof errors.BadSymbol) console.log(`unknown symbol: ${err.name} from ${err.exchange}`);
    else throw err;
  }

  off();
  await ex.close();
  await sim?.close();
}

/** Private channels are typed too; they need apiKey and secret (see bot-ws-orders.js). */
export function logFills(ex: Exchange): () => void {
  return ex.on('myTrades', (trades) => {
    for (const t of trades) console.log(`fill ${t.symbol} ${t.side} ${t.amount} @ ${t.price}`);
  });
}

/** Several orders in one request where the exchange has batch ops (see batch-orders.js). */
export async function placeLadder(ex: Exchange, symbol: string, bid: number): Promise<Order[]> {
  const orders: BatchOrder[] = [1, 2, 3].map((i) => ({ symbol, type: 'limit', side: 'buy', amount: 0.001, price: bid - 10 * i }));
  const placed = await ex.createOrders(orders); // one entry per order, in order
  for (const o of placed) if (o.status === 'rejected') console.log(`refused: ${o.error?.name}: ${o.error?.message}`);
  return placed;
}

main().catch((err: unknown) => {
  console.error(err);
  process.exit(1);
});
