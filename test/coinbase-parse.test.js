'use strict';
/**
 * Coinbase Advanced Trade parsers and frame decoder against the documented example messages.
 * There is no real Advanced Trade capture among the project's recorded captures (COINBASE.ws.28.0 is the legacy
 * Exchange feed, a different protocol), so the inputs are the example messages of Coinbase's
 * "Advanced Trade WebSocket Channels" page (docs.cdp.coinbase.com/coinbase-app/advanced-trade-apis/
 * websocket/websocket-channels; the l2_data, heartbeats and subscriptions examples are quoted in
 * the protocol brief, Coinbase §5) and of the REST reference (product_book, candles).
 */
const assert = require('assert');
const { decodeFrame } = require('../js/exchanges/coinbase/decode');
const { parseMarkets } = require('../js/exchanges/coinbase/markets');
const { parseRestBook, parseCandle } = require('../js/exchanges/coinbase/parse');
const { mapRestError } = require('../js/exchanges/coinbase/errors');
const { encodeRequest, encodeHeartbeats } = require('../js/exchanges/coinbase/streams');
const { errors } = require('..');

// ---- the docs' examples
const L2_SNAPSHOT = {
  channel: 'l2_data',
  client_id: '',
  timestamp: '2023-02-09T20:32:50.714964855Z',
  sequence_num: 0,
  events: [
    {
      type: 'snapshot',
      product_id: 'BTC-USD',
      updates: [
        { side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: '21921.73', new_quantity: '0.06317902' },
        { side: 'bid', event_time: '1970-01-01T00:00:00Z', price_level: '21921.3', new_quantity: '0.02' },
      ],
    },
  ],
};
const HEARTBEAT = {
  channel: 'heartbeats',
  client_id: '',
  timestamp: '2023-06-23T20:31:56.121961769Z',
  sequence_num: 1,
  events: [{ current_time: '2023-06-23 20:31:56.121961769 +0000 UTC m=+91717.525857105', heartbeat_counter: '3049' }],
};
const TICKER = {
  channel: 'ticker',
  client_id: '',
  timestamp: '2023-02-09T20:30:37.167359596Z',
  sequence_num: 2,
  events: [
    {
      type: 'snapshot',
      tickers: [
        {
          type: 'ticker',
          product_id: 'BTC-USD',
          price: '21932.98',
          volume_24_h: '16038.28770938',
          low_24_h: '21835.29',
          high_24_h: '23011.18',
          low_52_w: '15460',
          high_52_w: '48240',
          price_percent_chg_24_h: '-4.15775596190603',
          best_bid: '21931.98',
          best_bid_quantity: '8000.21',
          best_ask: '21933.98',
          best_ask_quantity: '8038.07770938',
        },
      ],
    },
  ],
};
const MARKET_TRADES = {
  channel: 'market_trades',
  client_id: '',
  timestamp: '2023-02-09T20:19:35.39625135Z',
  sequence_num: 3,
  events: [
    {
      type: 'snapshot',
      trades: [{ trade_id: '000000000', product_id: 'ETH-USD', price: '1260.01', size: '0.3', side: 'BUY', time: '2019-08-14T20:42:27.265Z' }],
    },
  ],
};
const CANDLES = {
  channel: 'candles',
  client_id: '',
  timestamp: '2023-06-09T20:19:35.39625135Z',
  sequence_num: 4,
  events: [
    {
      type: 'snapshot',
      candles: [{ start: '1688998200', high: '1867.72', low: '1865.63', open: '1867.38', close: '1866.81', volume: '0.20269406', product_id: 'ETH-USD' }],
    },
  ],
};
const SUBSCRIPTIONS = {
  channel: 'subscriptions',
  client_id: '',
  timestamp: '2023-02-09T20:32:50.714964855Z',
  sequence_num: 5,
  events: [{ subscriptions: { heartbeats: ['heartbeats'], level2: ['BTC-USD'] } }],
};

/** A FrameSink recording every call; `subscribed` lists the streams it answers symbolOf for. */
function recordingSink(subscribed, pending = [7]) {
  const calls = [];
  const session = {};
  const symbols = { 'BTC-USD': 'BTC/USD', 'ETH-USD': 'ETH/USD' };
  const sink = {
    calls,
    symbolOf: (s) => (subscribed.includes(s) ? symbols[s.slice(s.indexOf(':') + 1)] : undefined),
    bookNonce: () => undefined,
    bookSnapshot: (s, x) => calls.push(['bookSnapshot', s, x]),
    bookDelta: (s, x) => calls.push(['bookDelta', s, x]),
    ticker: (s, x) => calls.push(['ticker', s, x]),
    trades: (s, x) => calls.push(['trades', s, x]),
    candle: (s, x) => calls.push(['candle', s, x]),
    describe: (id) => (id === undefined ? undefined : `SUBSCRIBE request ${id}`),
    oldestPending: () => pending[0],
    ack: (id) => calls.push(['ack', id]),
    refused: (id, err) => calls.push(['refused', id, err]),
    error: (err) => calls.push(['error', err]),
    reconnect: (r) => calls.push(['reconnect', r]),
    malformed: (s, what) => calls.push(['malformed', s, what]),
    connection: () => ({ get: () => session }),
    lost: (detail) => calls.push(['lost', detail]),
  };
  return sink;
}

describe('coinbase parsers and decoder: the documented example messages', () => {
  it('l2_data snapshot -> a book snapshot of the product, nonce = sequence_num, epoch event_time ignored', () => {
    const sink = recordingSink(['level2:BTC-USD']);
    decodeFrame(JSON.stringify(L2_SNAPSHOT), sink);
    assert.strictEqual(sink.calls.length, 1);
    const [kind, stream, snap] = sink.calls[0];
    assert.deepStrictEqual([kind, stream], ['bookSnapshot', 'level2:BTC-USD']);
    assert.deepStrictEqual(snap.bids, [['21921.73', '0.06317902'], ['21921.3', '0.02']]);
    assert.deepStrictEqual(snap.asks, []);
    assert.strictEqual(snap.nonce, 0);
    assert.strictEqual(snap.timestamp, Date.parse('2023-02-09T20:32:50.714Z'));
  });

  it('l2_data update: side offer -> asks, "0" kept as a delete; a frame for an unsubscribed product is skipped', () => {
    const sink = recordingSink(['level2:BTC-USD']);
    const upd = {
      ...L2_SNAPSHOT,
      sequence_num: 1,
      events: [
        { type: 'update', product_id: 'BTC-USD', updates: [{ side: 'offer', event_time: '2023-02-09T20:32:50.714964855Z', price_level: '21925', new_quantity: '0' }] },
        { type: 'update', product_id: 'ETH-USD', updates: [{ side: 'bid', event_time: '2023-02-09T20:32:50.714964855Z', price_level: '1500', new_quantity: '1' }] },
      ],
    };
    decodeFrame(JSON.stringify(upd), sink);
    assert.strictEqual(sink.calls.length, 1);
    const [kind, , d] = sink.calls[0];
    assert.strictEqual(kind, 'bookDelta');
    assert.deepStrictEqual([d.bids, d.asks, d.first, d.last], [[], [['21925', '0']], 1, 1]);
  });

  it('sequence_num counts across channels: consecutive numbers pass, a jump reports the loss once', () => {
    const sink = recordingSink(['level2:BTC-USD', 'ticker:BTC-USD', 'market_trades:ETH-USD', 'candles:ETH-USD']);
    for (const m of [L2_SNAPSHOT, HEARTBEAT, TICKER, MARKET_TRADES, CANDLES]) decodeFrame(JSON.stringify(m), sink);
    assert.deepStrictEqual(sink.calls.filter((c) => c[0] === 'lost'), []);
    decodeFrame(JSON.stringify({ ...HEARTBEAT, sequence_num: 7 }), sink);
    assert.deepStrictEqual(sink.calls.filter((c) => c[0] === 'lost'), [['lost', 'sequence_num 7 after 4 on the connection']]);
    decodeFrame(JSON.stringify({ ...HEARTBEAT, sequence_num: 8 }), sink);
    assert.strictEqual(sink.calls.filter((c) => c[0] === 'lost').length, 1);
  });

  it('ticker: last, 24 h range and volume, best bid/ask with sizes, percent change and the implied open', () => {
    const sink = recordingSink(['ticker:BTC-USD']);
    decodeFrame(JSON.stringify(TICKER), sink);
    const t = sink.calls[0][2];
    assert.deepStrictEqual(
      [t.symbol, t.last, t.close, t.high, t.low, t.bid, t.bidVolume, t.ask, t.askVolume, t.baseVolume, t.percentage],
      ['BTC/USD', 21932.98, 21932.98, 23011.18, 21835.29, 21931.98, 8000.21, 21933.98, 8038.07770938, 16038.28770938, -4.15775596190603],
    );
    assert.ok(Math.abs(t.open * (1 - 0.0415775596190603) - 21932.98) < 1e-6);
    assert.strictEqual(t.timestamp, Date.parse('2023-02-09T20:30:37.167Z'));
  });

  it('market_trades: the maker side BUY is a taker sell; id, price, size and time', () => {
    const sink = recordingSink(['market_trades:ETH-USD']);
    decodeFrame(JSON.stringify(MARKET_TRADES), sink);
    const [kind, stream, list] = sink.calls[0];
    assert.deepStrictEqual([kind, stream], ['trades', 'market_trades:ETH-USD']);
    const t = list[0];
    assert.deepStrictEqual([t.id, t.symbol, t.price, t.amount, t.side, t.timestamp], ['000000000', 'ETH/USD', 1260.01, 0.3, 'sell', Date.parse('2019-08-14T20:42:27.265Z')]);
    assert.ok(Math.abs(t.cost - 378.003) < 1e-9);
  });

  it('candles: start in seconds -> [ms, open, high, low, close, volume]', () => {
    const sink = recordingSink(['candles:ETH-USD']);
    decodeFrame(JSON.stringify(CANDLES), sink);
    assert.deepStrictEqual(sink.calls[0], ['candle', 'candles:ETH-USD', [1688998200000, 1867.38, 1867.72, 1865.63, 1866.81, 0.20269406]]);
  });

  it('subscriptions acknowledges the oldest pending request; an error frame refuses it with a typed error naming it', () => {
    const sink = recordingSink([], [7]);
    decodeFrame(JSON.stringify(SUBSCRIPTIONS), sink);
    assert.deepStrictEqual(sink.calls, [['ack', 7]]);
    decodeFrame(JSON.stringify({ type: 'error', message: 'Failed to subscribe', reason: 'GIBBERISH-USD is not a valid product' }), sink);
    const [kind, id, err] = sink.calls[1];
    assert.deepStrictEqual([kind, id], ['refused', 7]);
    assert.ok(err instanceof errors.BadSymbol, err.name);
    assert.match(err.message, /SUBSCRIBE request 7: Failed to subscribe: GIBBERISH-USD is not a valid product/);
  });

  it('the error frame as Coinbase sends it (undocumented: {"type":"error","message":"failure to subscribe"}, no product, no channel) refuses the oldest pending request; an empty level2 snapshot is an empty book', () => {
    const sink = recordingSink(['level2:ETH-USD'], [3]);
    decodeFrame('{"type":"error","message":"failure to subscribe"}', sink);
    const [kind, id, err] = sink.calls[0];
    assert.deepStrictEqual([kind, id], ['refused', 3]);
    assert.ok(err instanceof errors.BadRequest, err.name);
    assert.match(err.message, /SUBSCRIBE request 3: failure to subscribe/);
    // a product with nothing on the book: the snapshot has no updates, and that is a (synced) empty book
    decodeFrame(JSON.stringify({ channel: 'l2_data', client_id: '', timestamp: '2023-02-09T20:32:50.714964855Z', sequence_num: 0, events: [{ type: 'snapshot', product_id: 'ETH-USD', updates: [] }] }), sink);
    const [k2, stream, snap] = sink.calls[1];
    assert.deepStrictEqual([k2, stream, snap.bids, snap.asks, snap.nonce], ['bookSnapshot', 'level2:ETH-USD', [], [], 0]);
  });

  it('a bad level2 event is reported malformed, never applied; a non-JSON frame throws', () => {
    const sink = recordingSink(['level2:BTC-USD']);
    const bad = { ...L2_SNAPSHOT, events: [{ type: 'update', product_id: 'BTC-USD', updates: [{ side: 'bid', price_level: 'x', new_quantity: '1' }] }] };
    decodeFrame(JSON.stringify(bad), sink);
    assert.deepStrictEqual(sink.calls.map((c) => [c[0], c[1]]), [['malformed', 'level2:BTC-USD']]);
    assert.throws(() => decodeFrame('{oops', sink), SyntaxError);
  });

  it('subscribe requests: one channel per message, heartbeats without products', () => {
    assert.deepStrictEqual(JSON.parse(encodeRequest('subscribe', ['level2:BTC-USD'])), { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'level2' });
    assert.deepStrictEqual(JSON.parse(encodeRequest('unsubscribe', ['market_trades:ETH-USD'])), { type: 'unsubscribe', product_ids: ['ETH-USD'], channel: 'market_trades' });
    assert.deepStrictEqual(JSON.parse(encodeHeartbeats()), { type: 'subscribe', channel: 'heartbeats' });
  });

  it('REST: products -> markets with status flags; product_book and candles replies', () => {
    const base = { base_currency_id: 'BTC', quote_currency_id: 'USD', base_increment: '0.00000001', quote_increment: '0.01', price_increment: '0.01', base_min_size: '0.000016', base_max_size: '2600', quote_min_size: '1', quote_max_size: '50000000', product_type: 'SPOT' };
    const ms = parseMarkets([
      { product_id: 'BTC-USD', status: 'online', trading_disabled: false, cancel_only: false, ...base },
      { product_id: 'BTC-USD', status: 'online', trading_disabled: true, ...base },
      { product_id: 'BTC-USD', status: 'offline', ...base },
      { product_id: 'BTC-USD', status: 'online', limit_only: true, post_only: true, ...base },
      { product_id: 'BIT-PERP', product_type: 'FUTURE' },
    ]);
    assert.deepStrictEqual(ms.map((m) => [m.symbol, m.active]), [['BTC/USD', true], ['BTC/USD', false], ['BTC/USD', false], ['BTC/USD', true]]);
    assert.deepStrictEqual(ms[0].limits.amount, { min: 0.000016, max: 2600 });

    const snap = parseRestBook({ pricebook: { product_id: 'BTC-USD', bids: [{ price: '30000', size: '1' }], asks: [{ price: '30001', size: '2' }], time: '2023-02-09T20:32:50.714964855Z' } });
    assert.deepStrictEqual([snap.bids, snap.asks, snap.timestamp], [[['30000', '1']], [['30001', '2']], Date.parse('2023-02-09T20:32:50.714Z')]);
    assert.deepStrictEqual(parseCandle({ start: '1639508050', low: '1', high: '3', open: '2', close: '2.5', volume: '10' }), [1639508050000, 2, 3, 1, 2.5, 10]);
  });

  it('REST errors: status and body code -> typed errors keeping code, status and message', () => {
    const e404 = mapRestError(404, { error: 'NOT_FOUND', error_details: 'ProductID is invalid', message: 'ProductID is invalid' }, 'GET product_book');
    assert.ok(e404 instanceof errors.BadSymbol);
    assert.deepStrictEqual([e404.code, e404.status], ['NOT_FOUND', 404]);
    assert.ok(mapRestError(401, { error: 'UNAUTHENTICATED', message: 'unauthorized' }, 'GET accounts') instanceof errors.AuthenticationError);
    assert.ok(mapRestError(429, { message: 'too many requests' }, 'GET x') instanceof errors.RateLimitExceeded);
    assert.ok(mapRestError(503, 'busy', 'GET x') instanceof errors.ExchangeNotAvailable);
    assert.strictEqual(mapRestError(200, { products: [] }, 'GET x'), undefined);
  });
});

describe('coinbase private parsers: user channel orders, REST orders, fills, accounts', () => {
  const { parseWsOrder, parseOrder, parseFill, parseAccounts } = require('../js/exchanges/coinbase/parse-private');
  const { orderConfiguration } = require('../js/exchanges/coinbase/private');
  const market = { id: 'BTC-USD', symbol: 'BTC/USD', base: 'BTC', quote: 'USD' };

  // the shape of the docs' user channel example (events[].orders[]): strings throughout, post_only "false"
  const WS_ORDER = {
    avg_price: '50000',
    cancel_reason: '',
    client_order_id: '0ed3ba6d-a3f6-4b8a-8b5b-6a9b3f9f9c51',
    completion_percentage: '100.00',
    cumulative_quantity: '0.01',
    filled_value: '500',
    leaves_quantity: '0',
    limit_price: '50000',
    number_of_fills: '1',
    order_id: 'b4f4a2f1-4e8f-4a8c-9b6d-2f6d1c3e7a10',
    order_side: 'BUY',
    order_type: 'Limit',
    outstanding_hold_amount: '0',
    post_only: 'false',
    product_id: 'BTC-USD',
    product_type: 'SPOT',
    reject_reason: '',
    status: 'FILLED',
    stop_price: '',
    time_in_force: 'GOOD_UNTIL_CANCELLED',
    total_fees: '2',
    total_value_after_fees: '502',
    trigger_status: 'INVALID_ORDER_TYPE',
    creation_time: '2024-06-21T18:29:04.381048Z',
  };

  it('a user channel order: status, sizes, price, average, fees; post_only "false" is false', () => {
    const o = parseWsOrder(WS_ORDER, market);
    assert.deepStrictEqual(
      [o.id, o.clientOrderId, o.symbol, o.side, o.type, o.timeInForce, o.postOnly, o.status, o.price, o.average, o.amount, o.filled, o.remaining, o.cost, o.fee],
      [WS_ORDER.order_id, WS_ORDER.client_order_id, 'BTC/USD', 'buy', 'limit', 'GTC', false, 'closed', 50000, 50000, 0.01, 0.01, 0, 500, { cost: 2, currency: 'USD' }],
    );
    assert.strictEqual(o.timestamp, Date.parse('2024-06-21T18:29:04.381Z'));
    const open = parseWsOrder({ ...WS_ORDER, status: 'OPEN', cumulative_quantity: '0.004', leaves_quantity: '0.006', post_only: 'true' }, market);
    assert.deepStrictEqual([open.status, open.amount, open.filled, open.remaining, open.postOnly], ['open', 0.01, 0.004, 0.006, true]);
    // statuses as ccxt's coinbase maps them: EXPIRED (GTD past end_time) and FAILED are canceled
    for (const [s, u] of [['PENDING', 'open'], ['CANCEL_QUEUED', 'open'], ['CANCELLED', 'canceled'], ['EXPIRED', 'canceled'], ['FAILED', 'canceled']]) {
      assert.strictEqual(parseWsOrder({ ...WS_ORDER, status: s }, market).status, u, s);
    }
  });

  it('the user channel\'s per-order fill counts: working orders kept, finished ones only the newest FINISHED_KEPT (a long-running client does not keep every order it saw)', () => {
    const { CoinbasePrivate, FINISHED_KEPT } = require('../js/exchanges/coinbase/private');
    const pushed = [];
    const p = new CoinbasePrivate({
      credentials: undefined,
      restBase: 'http://127.0.0.1:9',
      wsPrivateUrl: 'ws://127.0.0.1:9',
      timeoutMs: 1000,
      connection: {},
      balancePollMs: 30_000,
      marketById: (id) => (id === 'BTC-USD' ? market : undefined),
      market: () => market,
      error: (e) => pushed.push(e),
      status: () => {},
    });
    p.sink = { order: (o) => pushed.push(o), trade: () => {}, balance: () => {}, live: () => {} };
    const n = FINISHED_KEPT + 500;
    for (let k = 0; k < n; k++) {
      const id = `order-${k}`;
      p.onOrder({ ...WS_ORDER, order_id: id, status: 'OPEN', cumulative_quantity: '0', leaves_quantity: '0.01', number_of_fills: '0', filled_value: '0' });
      if (k < n - 3) p.onOrder({ ...WS_ORDER, order_id: id, status: 'CANCELLED', cumulative_quantity: '0', leaves_quantity: '0', number_of_fills: '0', filled_value: '0' });
    }
    assert.strictEqual(pushed.length, 2 * n - 3, 'every message pushed an order');
    assert.strictEqual(p.fillsSeen.size, 3, 'the three working orders');
    assert.strictEqual(p.fillsFinished.size, FINISHED_KEPT, 'finished orders: the newest FINISHED_KEPT');
    assert.ok(p.fillsFinished.has(`order-${n - 4}`) && !p.fillsFinished.has('order-0'), 'the oldest finished forgotten first');
    assert.strictEqual(p.sizes.size, 3, 'sizes are kept only while an order works');
  });

  it('a finished user channel order keeps the size it had while it worked: amount is the order\'s, remaining amount - filled (as ccxt shapes it)', () => {
    // a 0.01 order, 0.004 filled, then canceled: the channel reports leaves 0 once it is done
    const canceled = { ...WS_ORDER, status: 'CANCELLED', cumulative_quantity: '0.004', leaves_quantity: '0', filled_value: '200', number_of_fills: '1' };
    const o = parseWsOrder(canceled, market, 0.01);
    assert.deepStrictEqual([o.status, o.amount, o.filled, o.remaining], ['canceled', 0.01, 0.004, 0.006]);
    // a size never seen (no knownAmount): what filled, never less
    assert.deepStrictEqual([parseWsOrder(canceled, market).amount, parseWsOrder(canceled, market).remaining], [0.004, 0]);
    // a GTD order expired unfilled
    const expired = parseWsOrder({ ...WS_ORDER, status: 'EXPIRED', time_in_force: 'GOOD_UNTIL_DATE_TIME', cumulative_quantity: '0', leaves_quantity: '0', filled_value: '0' }, market, 0.01);
    assert.deepStrictEqual([expired.status, expired.timeInForce, expired.amount, expired.filled, expired.remaining], ['canceled', 'GTD', 0.01, 0, 0.01]);
    // filled: the size is what filled whatever was known
    const filled = parseWsOrder(WS_ORDER, market, 0.01);
    assert.deepStrictEqual([filled.status, filled.amount, filled.filled, filled.remaining], ['closed', 0.01, 0.01, 0]);
  });

  it('a REST order from its order_configuration; a fill with its liquidity; accounts add up per currency', () => {
    const o = parseOrder(
      {
        order_id: '1',
        product_id: 'BTC-USD',
        side: 'SELL',
        client_order_id: 'c1',
        status: 'OPEN',
        time_in_force: 'GOOD_UNTIL_CANCELLED',
        created_time: '2024-01-01T00:00:00Z',
        filled_size: '0.25',
        average_filled_price: '42000',
        filled_value: '10500',
        total_fees: '0',
        order_type: 'LIMIT',
        order_configuration: { limit_limit_gtc: { base_size: '1', limit_price: '42000', post_only: true } },
      },
      market,
    );
    assert.deepStrictEqual([o.side, o.type, o.timeInForce, o.postOnly, o.amount, o.filled, o.remaining, o.price, o.cost], ['sell', 'limit', 'GTC', true, 1, 0.25, 0.75, 42000, 10500]);
    const f = parseFill({ trade_id: '9', order_id: '1', trade_time: '2024-01-01T00:00:01Z', price: '42000', size: '0.25', commission: '1.5', product_id: 'BTC-USD', liquidity_indicator: 'MAKER', side: 'SELL' }, market);
    assert.deepStrictEqual([f.id, f.order, f.side, f.takerOrMaker, f.price, f.amount, f.cost, f.fee], ['9', '1', 'sell', 'maker', 42000, 0.25, 10500, { cost: 1.5, currency: 'USD' }]);
    const b = parseAccounts(
      [
        { currency: 'USD', available_balance: { value: '100.5' }, hold: { value: '10' } },
        { currency: 'USD', available_balance: { value: '1' }, hold: { value: '0' } },
        { currency: 'BTC', available_balance: { value: '0.1' }, hold: { value: '0' } },
      ],
      null,
    );
    assert.deepStrictEqual(b.balances, { USD: { free: 101.5, used: 10, total: 111.5 }, BTC: { free: 0.1, used: 0, total: 0.1 } });
  });

  it('App API deposits / withdrawals: status, amount, currency, fee', () => {
    const { parseTransfer } = require('../js/exchanges/coinbase/parse-private');
    // the shape of the docs' withdrawal resource (docs.cdp.coinbase.com coinbase-app transfer-apis)
    const w = parseTransfer(
      {
        id: '67e0eaec-07d7-54c4-a72c-2e92826897df',
        status: 'completed',
        payment_method: { id: '83562370-3e5c-51db-87da-752af5ab9559', resource: 'payment_method' },
        amount: { amount: '10.00', currency: 'USD' },
        subtotal: { amount: '10.00', currency: 'USD' },
        fee: { amount: '0.15', currency: 'USD' },
        created_at: '2015-01-31T20:49:02Z',
        resource: 'withdrawal',
        committed: true,
      },
      'withdrawal',
    );
    assert.deepStrictEqual([w.type, w.currency, w.amount, w.status, w.fee, w.timestamp], ['withdrawal', 'USD', 10, 'ok', { cost: 0.15, currency: 'USD' }, Date.parse('2015-01-31T20:49:02Z')]);
    assert.strictEqual(parseTransfer({ id: 'x', status: 'created', amount: { amount: '1', currency: 'EUR' } }, 'deposit').status, 'pending');
    assert.strictEqual(parseTransfer({ id: 'x', status: 'canceled', amount: { amount: '1', currency: 'EUR' } }, 'deposit').status, 'canceled');
  });

  it('order requests -> order_configuration: limit GTC / post-only / FOK / IOC / GTD, market by base or quote size', () => {
    const req = (type, tif, extra = {}) => ({ market, type, side: 'buy', amount: 0.5, price: type === 'limit' ? 30000 : undefined, params: { ...(tif ? { timeInForce: tif } : {}), ...extra } });
    assert.deepStrictEqual(orderConfiguration(req('limit')), { limit_limit_gtc: { base_size: '0.5', limit_price: '30000', post_only: false } });
    assert.deepStrictEqual(orderConfiguration(req('limit', undefined, { postOnly: true })), { limit_limit_gtc: { base_size: '0.5', limit_price: '30000', post_only: true } });
    assert.deepStrictEqual(orderConfiguration(req('limit', 'FOK')), { limit_limit_fok: { base_size: '0.5', limit_price: '30000' } });
    assert.deepStrictEqual(orderConfiguration(req('limit', 'IOC')), { sor_limit_ioc: { base_size: '0.5', limit_price: '30000' } });
    assert.deepStrictEqual(orderConfiguration(req('limit', 'GTD', { endTime: 1700000000000 })), { limit_limit_gtd: { base_size: '0.5', limit_price: '30000', end_time: '2023-11-14T22:13:20.000Z', post_only: false } });
    assert.deepStrictEqual(orderConfiguration(req('market')), { market_market_ioc: { base_size: '0.5' } });
    assert.deepStrictEqual(orderConfiguration(req('market', undefined, { cost: 100 })), { market_market_ioc: { quote_size: '100' } });
    assert.throws(() => orderConfiguration(req('stop')), errors.BadRequest);
    assert.throws(() => orderConfiguration(req('limit', 'GTD')), /endTime/);
  });
});
