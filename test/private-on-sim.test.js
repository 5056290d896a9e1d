'use strict';
/**
 * Private data and trading through the WebSocket trading API, one row per exchange, each against
 * its embedded simulator (its real private protocol over the shared matching engine):
 * - an order placed over the WebSocket API (REST refused meanwhile), seen on the private stream,
 *   amended (in place where the exchange amends in place), canceled; the balance locked and
 *   unlocked exactly as the exchange's account says;
 * - fills as myTrades exactly once across a dropped private socket (made while it is down);
 * - where the exchange pushes them, a deposit made on the simulator arrives on on('transactions')
 *   and in fetchDeposits (ws: true) without a REST call for it;
 * - where the exchange has batches, createOrders / cancelOrders in one request over the WebSocket
 *   API and over REST, an order refused alone (insufficient funds, unknown id) mapped on its own
 *   entry while the others stand.
 *
 * A row: the simulator id and its options, the client built with the simulator's credentials, the symbol and its engine id, the quote and base currencies, one price tick, what
 * editOrder does to the id, which private sockets a drop must cut, whether deposits are pushed.
 */
const assert = require('assert');
const { binance, bitfinex, bybit, kraken, okx, errors } = require('..');
const { simulate } = require('../js/sim');
const { nextEvent } = require('./support/wait');
const { nextItem, balancesMatch, rejection } = require('./support/private');

const ROWS = [
  {
    name: 'binance',
    sim: { id: 'binance', options: { balances: { USDT: 10000, BTC: 1 } } },
    client: (sim, o) => new binance({ apiKey: sim.apiKey, secret: sim.secret, ...o }),
    symbol: 'BTC/USDT',
    engineId: 'BTCUSDT',
    assets: ['USDT', 'BTC'],
    tick: 0.01,
    // order.cancelReplace: a new order
    amendKeepsId: false,
    drop: { kind: 'api' },
    transactions: false,
  },
  {
    name: 'okx',
    sim: { id: 'okx', options: { balances: { USDT: 10000, BTC: 1 } } },
    client: (sim, o) => new okx({ apiKey: sim.apiKey, secret: sim.secret, password: sim.password, ...o }),
    symbol: 'BTC/USDT',
    engineId: 'BTC-USDT',
    assets: ['USDT', 'BTC'],
    tick: 0.1,
    amendKeepsId: true,
    drop: { kind: 'api' },
    transactions: true,
    withdraw: { address: 'sim-address', params: {} },
    // batch-orders / batch-cancel-orders (REST /api/v5/trade/batch-orders, cancel-batch-orders)
    batch: { unknownId: '999999999999' },
  },
  {
    name: 'kraken',
    sim: { id: 'kraken', options: { balances: { USD: 10000, BTC: 1 } } },
    client: (sim, o) => new kraken({ apiKey: sim.apiKey, secret: sim.secret, ...o }),
    symbol: 'BTC/USD',
    engineId: 'XXBTZUSD',
    assets: ['USD', 'BTC'],
    tick: 0.1,
    amendKeepsId: true,
    drop: { kind: 'api' },
    transactions: true,
    // Kraken withdraws to a named withdrawal key
    withdraw: { address: undefined, params: { key: 'main' } },
    // batch_add / batch_cancel (REST /0/private/AddOrderBatch, CancelOrderBatch)
    batch: { unknownId: 'OAAAAA-BBBBB-CCCCCC' },
  },
  {
    name: 'bybit',
    sim: { id: 'bybit', options: { balances: { USDT: 10000, BTC: 1 } } },
    // Bybit's private stream has no deposits or withdrawals: they are polled over REST (fast here)
    client: (sim, o) => new bybit({ apiKey: sim.apiKey, secret: sim.secret, transactionsPollMs: 200, ...o }),
    symbol: 'BTC/USDT',
    engineId: 'BTCUSDT',
    assets: ['USDT', 'BTC'],
    tick: 0.01,
    // order.amend keeps the order id
    amendKeepsId: true,
    drop: { kind: 'api' },
    transactions: false,
    withdraw: { address: 'sim-address', params: {} },
  },
  {
    name: 'bitfinex',
    sim: { id: 'bitfinex', options: { balances: { USD: 10000, BTC: 1 } } },
    client: (sim, o) => new bitfinex({ apiKey: sim.apiKey, secret: sim.secret, ...o }),
    symbol: 'BTC/USD',
    engineId: 'tBTCUSD',
    assets: ['USD', 'BTC'],
    // five significant digits at 60000
    tick: 1,
    // `ou` updates the order in place
    amendKeepsId: true,
    // Bitfinex's cid is an integer
    cid: '4242001',
    // one /ws/2 server carries the account socket too
    drop: {},
    // deposits and withdrawals over REST (movements), pushed by polling
    transactions: false,
  },
];

const round = (x) => +x.toFixed(8);

for (const row of ROWS) {
  describe(`${row.name} private data and trading on its simulator`, function () {
    let sim;
    let ex;
    let bid;
    const [quote, base] = row.assets;
    beforeEach(async () => {
      sim = await simulate(row.sim.id, { port: 0, seed: 11, autoFlow: false, ...row.sim.options });
      bid = sim.book(row.symbol).bids[0][0];
      ex = row.client(sim, { ws: true, urls: sim.urls, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
    });
    afterEach(async () => {
      await ex.close();
      await sim.close();
    });

    const hitBids = (qty) => sim.engine.placeOrder({ account: 'flow', symbol: row.engineId, side: 'SELL', type: 'MARKET', quantity: qty });

    it('an order placed over the WebSocket API, seen on the private stream, amended, canceled; the balance locked and unlocked exactly', async () => {
      assert.strictEqual(ex.has.createOrder, 'ws');
      const seenOrders = [];
      ex.on('orders', (l) => seenOrders.push(...l));
      let bal = await balancesMatch(ex, sim, row.assets);
      assert.strictEqual(bal[quote].used, 0);
      const price = round(bid - 10 * row.tick);
      const cid = row.cid ?? 'row1';
      const onStream = nextItem(ex, 'orders', (o) => o.clientOrderId === cid);
      sim.faults.rateLimit({ count: 1000 }); // REST refused: the order must go over the socket
      const placed = await ex.createOrder(row.symbol, 'limit', 'buy', 0.01, price, { clientOrderId: cid });
      sim.faults.reset();
      assert.deepStrictEqual([placed.status, placed.price, placed.amount], ['open', price, 0.01]);
      assert.strictEqual((await onStream).id, placed.id);
      bal = await balancesMatch(ex, sim, row.assets);
      assert.strictEqual(bal[quote].used, round(price * 0.01), 'locked: price x amount');

      const lower = round(price - row.tick);
      const edited = await ex.editOrder(placed.id, row.symbol, 'limit', 'buy', 0.02, lower);
      assert.strictEqual(edited.id === placed.id, row.amendKeepsId);
      assert.deepStrictEqual([edited.status, edited.price, edited.amount], ['open', lower, 0.02]);
      bal = await balancesMatch(ex, sim, row.assets);
      assert.strictEqual(bal[quote].used, round(lower * 0.02), 'the lock follows the amendment');

      const gone = nextItem(ex, 'orders', (o) => o.id === edited.id && o.status === 'canceled');
      const canceled = await ex.cancelOrder(edited.id, row.symbol);
      assert.deepStrictEqual([canceled.id, canceled.status], [edited.id, 'canceled']);
      await gone;
      bal = await balancesMatch(ex, sim, row.assets);
      assert.strictEqual(bal[quote].used, 0, 'unlocked');
      assert.strictEqual(bal[quote].free, 10000);
      assert.deepStrictEqual(await ex.fetchOpenOrders(row.symbol), []);
    });

    it('fills as myTrades exactly once across a dropped private socket', async () => {
      const trades = [];
      ex.on('myTrades', (l) => trades.push(...l));
      await balancesMatch(ex, sim, row.assets);
      const ask = sim.book(row.symbol).asks[0][0];
      assert.ok(ask - bid > 1.5 * row.tick, `room for a better bid (bid ${bid}, ask ${ask})`);
      const placed = await ex.createOrder(row.symbol, 'limit', 'buy', 0.01, round(bid + row.tick));
      assert.strictEqual(placed.filled, 0);
      const first = nextItem(ex, 'myTrades', (t) => t.order === placed.id);
      hitBids('0.002');
      await first;
      const closed = nextItem(ex, 'orders', (o) => o.id === placed.id && o.status === 'closed');
      const last = nextItem(ex, 'myTrades', (t) => t.order === placed.id && t.amount === 0.005);
      assert.ok(sim.faults.dropConnections(row.drop) >= 1);
      hitBids('0.003'); // both while the client is cut off
      hitBids('0.005');
      await closed;
      await last;
      assert.deepStrictEqual(trades.map((t) => t.amount).sort(), [0.002, 0.003, 0.005]);
      assert.strictEqual(new Set(trades.map((t) => t.id)).size, 3);
      assert.deepStrictEqual((await ex.fetchMyTrades(row.symbol)).map((t) => t.id).sort(), trades.map((t) => t.id).sort());
      const bal = await balancesMatch(ex, sim, row.assets);
      assert.ok(bal[base].total > 1);
    });

    it('an amend that gives no amount keeps a partly filled order at its size (nothing lost to the filled part)', async () => {
      await balancesMatch(ex, sim, row.assets);
      const placed = await ex.createOrder(row.symbol, 'limit', 'buy', 0.01, round(bid + row.tick));
      const part = nextItem(ex, 'orders', (o) => o.id === placed.id && o.filled === 0.004);
      hitBids('0.004');
      const before = await part;
      assert.deepStrictEqual([before.amount, before.remaining], [0.01, 0.006]);
      // price only, below the market so nothing more fills
      const lower = round(bid - 5 * row.tick);
      const edited = await ex.editOrder(placed.id, row.symbol, 'limit', 'buy', undefined, lower);
      const settled = nextItem(ex, 'orders', (o) => o.id === edited.id && o.price === lower);
      const after = edited.price === lower && edited.remaining !== undefined ? edited : await settled;
      // what is left to fill is what was left before the amend (a 'total' exchange sent 0.01, not 0.006)
      assert.strictEqual(round(after.remaining), 0.006, `remaining after the amend: ${JSON.stringify([after.amount, after.filled, after.remaining])}`);
      const bal = await balancesMatch(ex, sim, row.assets);
      assert.strictEqual(bal[quote].used, round(lower * 0.006), 'the lock is the rest of the order at the new price');
    });

    if (row.transactions) {
      it("a deposit made on the simulator arrives on on('transactions') and in fetchDeposits (ws: true) without a REST call for it", async () => {
        await balancesMatch(ex, sim, row.assets);
        assert.deepStrictEqual(await ex.fetchDeposits(), []);
        const arrived = nextEvent(ex, 'transactions', (l) => l.some((t) => t.type === 'deposit'));
        sim.deposit(base, '0.25');
        const [dep] = await arrived;
        assert.deepStrictEqual([dep.type, dep.currency, dep.amount, dep.status], ['deposit', base, 0.25, 'ok']);
        sim.faults.rateLimit({ count: 1000 });
        assert.deepStrictEqual((await ex.fetchDeposits(base)).map((d) => [d.id, d.amount]), [[dep.id, 0.25]]);
        sim.faults.reset();
        await balancesMatch(ex, sim, row.assets);
      });
    }

    if (row.batch) {
      for (const transport of ['ws', 'rest']) {
        it(`createOrders / cancelOrders in one request over ${transport === 'ws' ? 'the WebSocket API' : 'REST'}: a refused order on its own entry, the others placed, locked and canceled exactly`, async () => {
          if (transport === 'rest') {
            await ex.close();
            ex = row.client(sim, { ws: true, urls: sim.urls, wsTrading: false, reconnect: { baseDelayMs: 20, maxDelayMs: 100 } });
          }
          assert.strictEqual(ex.has.createOrders, transport);
          assert.strictEqual(ex.has.cancelOrders, transport);
          await balancesMatch(ex, sim, row.assets);
          const p1 = round(bid - 10 * row.tick);
          const p2 = round(bid - 12 * row.tick);
          const o = (amount, price, clientOrderId) => ({ symbol: row.symbol, type: 'limit', side: 'buy', amount, price, params: { clientOrderId } });
          // over the socket, REST is refused meanwhile: the batch must go over the WebSocket API
          if (transport === 'ws') sim.faults.rateLimit({ count: 1000 });
          const list = await ex.createOrders([o(0.01, p1, 'bat1'), o(1000, p2, 'bat2'), o(0.02, p2, 'bat3')]);
          sim.faults.reset();
          assert.deepStrictEqual(list.map((x) => [x.clientOrderId, x.status]), [['bat1', 'open'], ['bat2', 'rejected'], ['bat3', 'open']]);
          assert.ok(list[1].error instanceof errors.InsufficientFunds, list[1].error && list[1].error.stack);
          assert.strictEqual(list[1].error.symbol, row.symbol);
          assert.ok(list[0].error === undefined && list[2].error === undefined);
          assert.deepStrictEqual([list[0].price, list[0].amount, list[2].price, list[2].amount], [p1, 0.01, p2, 0.02]);
          let bal = await balancesMatch(ex, sim, row.assets);
          assert.strictEqual(bal[quote].used, round(p1 * 0.01 + p2 * 0.02), 'locked: both placed orders, nothing for the refused one');
          assert.deepStrictEqual((await ex.fetchOpenOrders(row.symbol)).map((x) => x.id).sort(), [list[0].id, list[2].id].sort());

          if (transport === 'ws') sim.faults.rateLimit({ count: 1000 });
          const gone = nextItem(ex, 'orders', (x) => x.id === list[2].id && x.status === 'canceled');
          const canceled = await ex.cancelOrders([list[0].id, list[2].id], row.symbol);
          sim.faults.reset();
          assert.deepStrictEqual(canceled.map((x) => [x.id, x.status, x.error]), [[list[0].id, 'canceled', undefined], [list[2].id, 'canceled', undefined]]);
          await gone;
          bal = await balancesMatch(ex, sim, row.assets);
          assert.strictEqual(bal[quote].used, 0, 'unlocked');
          assert.strictEqual(bal[quote].free, 10000);
          assert.deepStrictEqual(await ex.fetchOpenOrders(row.symbol), []);

          // an id the exchange does not know, beside one canceled already: the unknown one fails on
          // its own entry (Kraken's batch_cancel says only how many it canceled: REST QueryOrders
          // tells which, so REST is not refused here)
          const again = await ex.cancelOrders([list[0].id, row.batch.unknownId], row.symbol);
          assert.deepStrictEqual(again.map((x) => x.id), [list[0].id, row.batch.unknownId]);
          assert.strictEqual(again[0].status, 'canceled', 'still canceled');
          assert.ok(again[1].error instanceof errors.OrderNotFound, again[1].error && again[1].error.stack);
          assert.notStrictEqual(again[1].status, 'canceled');
        });
      }
    }

    if (row.withdraw) {
      it('withdraw over REST: the withdrawal comes back, then arrives on watchWithdrawals, and the balance moves exactly', async () => {
        assert.strictEqual(ex.has.withdraw, 'rest');
        await balancesMatch(ex, sim, row.assets);
        const w = ex.watchWithdrawals(base);
        const first = w.next(); // subscribes
        const t = await ex.withdraw(base, 0.1, row.withdraw.address, undefined, row.withdraw.params);
        assert.deepStrictEqual([t.type, t.currency, t.amount], ['withdrawal', base, 0.1]);
        let batch = (await first).value;
        while (!batch.some((x) => x.id === t.id && x.status === 'ok')) batch = (await w.next()).value;
        assert.ok(batch.every((x) => x.type === 'withdrawal' && x.currency === base));
        const bal = await balancesMatch(ex, sim, row.assets);
        assert.strictEqual(bal[base].total, 0.9);
        const poor = await rejection(ex.withdraw(base, 1000, row.withdraw.address, undefined, row.withdraw.params));
        assert.ok(poor instanceof errors.InsufficientFunds, poor.stack);
        await w.return();
      });
    }
  });
}
