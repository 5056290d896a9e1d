'use strict';
/**
 * Every simulator in the registry (SIM_EXCHANGES) has the one Simulator shape: urls, book(),
 * tick/pause/resume/flush, the one fault set (supports() says which faults apply; the others
 * throw), and private data only where the exchange has it. The faults every exchange shares act
 * alike on all of them: dropConnections by kind and by stream, skewClock moves the time the server
 * reports.
 */
const assert = require('assert');
const WebSocket = require('ws');
const { defaultSymbols, simulate, SIM_EXCHANGES } = require('../js/sim');
const { SIM_EXCHANGES: CLI_SIM_EXCHANGES } = require('../js/cli/watch');

/** Per exchange: a market data socket subscribed to one stream (named as faults.dropConnections names it), the REST time, whether its books carry checksums, whether it has private data (an account, logins) and a WebSocket trading API. */
const PROTOCOL = {
  binance: {
    path: '/ws/btcusdt@trade',
    stream: 'btcusdt@trade',
    checksums: false,
    private: true,
    wsApi: true,
    time: ['/api/v3/time', (b) => b.serverTime],
  },
  kraken: {
    path: '/v2',
    subscribe: { method: 'subscribe', params: { channel: 'trade', symbol: ['BTC/USD'], snapshot: false } },
    acked: (m) => m.method === 'subscribe' && m.success === true,
    stream: 'trade:BTC/USD',
    checksums: true,
    private: true,
    wsApi: true,
    time: ['/0/public/Time', (b) => b.result.unixtime * 1000],
  },
  okx: {
    path: '/ws/v5/public',
    subscribe: { op: 'subscribe', args: [{ channel: 'trades', instId: 'BTC-USDT' }] },
    acked: (m) => m.event === 'subscribe',
    stream: 'trades:BTC-USDT',
    checksums: true,
    private: true,
    wsApi: true,
    time: ['/api/v5/public/time', (b) => Number(b.data[0].ts)],
  },
  bybit: {
    path: '/v5/public/spot',
    subscribe: { req_id: '1', op: 'subscribe', args: ['publicTrade.BTCUSDT'] },
    acked: (m) => m.op === 'subscribe' && m.success === true,
    stream: 'publicTrade.BTCUSDT',
    // Bybit sends no book checksum
    checksums: false,
    private: true,
    wsApi: true,
    time: ['/v5/market/time', (b) => Number(BigInt(b.result.timeNano) / 1000000n)],
  },
  coinbase: {
    path: '/',
    subscribe: { type: 'subscribe', product_ids: ['BTC-USD'], channel: 'market_trades' },
    acked: (m) => m.channel === 'subscriptions',
    stream: 'market_trades:BTC-USD',
    private: true,
    time: ['/api/v3/brokerage/time', (b) => Number(b.epochMillis)],
  },
  bitfinex: {
    path: '/ws/2',
    subscribe: { event: 'subscribe', channel: 'trades', symbol: 'tBTCUSD' },
    acked: (m) => m.event === 'subscribed',
    stream: 'trades:tBTCUSD',
    checksums: true,
    private: true,
    // Bitfinex's REST has no time endpoint: the server's time is the `ts` of its pong
    time: async (sim) => {
      const { ws } = await connect(`${sim.urls.ws}/ws/2`);
      const pong = new Promise((resolve) => ws.on('message', (d) => {
        const m = JSON.parse(String(d));
        if (m.event === 'pong') resolve(m.ts);
      }));
      ws.send(JSON.stringify({ event: 'ping', cid: 7 }));
      const ts = await pong;
      ws.terminate();
      return ts;
    },
  },
};

/** Opens a socket; with `subscribe`, resolves once the subscription is acknowledged. */
async function connect(url, subscribe, acked) {
  const ws = new WebSocket(url);
  const closed = new Promise((resolve) => ws.once('close', resolve));
  await new Promise((resolve, reject) => {
    ws.once('open', resolve);
    ws.once('error', reject);
  });
  if (subscribe) {
    const ack = new Promise((resolve) => ws.on('message', (d) => {
      let m;
      try {
        m = JSON.parse(String(d));
      } catch {
        return;
      }
      if (acked(m)) resolve();
    }));
    ws.send(JSON.stringify(subscribe));
    await ack;
  }
  return { ws, closed };
}

describe('sim registry: one Simulator shape for every exchange', () => {
  it('the CLI lists the simulators of the registry', () => {
    assert.strictEqual(CLI_SIM_EXCHANGES, SIM_EXCHANGES);
    assert.deepStrictEqual([...SIM_EXCHANGES].sort(), Object.keys(PROTOCOL).sort());
  });

  it('an exchange without a simulator is refused', async () => {
    await assert.rejects(simulate('nowhere'), RangeError);
  });

  for (const id of SIM_EXCHANGES) {
    describe(id, () => {
      let sim;
      const sockets = [];
      before(async () => {
        sim = await simulate(id, { seed: 3, autoFlow: false, levels: 30 });
      });
      after(async () => {
        for (const s of sockets) s.ws.terminate();
        await sim.close();
      });

      it('has urls, the book truth, flow control and flush', () => {
        assert.strictEqual(sim.exchange, id);
        assert.strictEqual(sim.urls.rest, `http://127.0.0.1:${sim.port}`);
        assert.strictEqual(sim.urls.ws, `ws://127.0.0.1:${sim.port}`);
        const symbol = defaultSymbols(id)[0];
        const book = sim.book(symbol);
        assert.ok(book.bids.length > 0 && book.asks.length > 0);
        assert.ok(book.bids[0][0] < book.asks[0][0], 'bids below asks');
        sim.pause();
        sim.tick(5);
        assert.ok(sim.book(symbol).lastUpdateId > book.lastUpdateId, 'tick() moves the book while paused');
        sim.resume();
        sim.flush();
        assert.throws(() => sim.book('NOPE/NOPE'), RangeError);
      });

      it('has the simulated account only where the exchange has private data', () => {
        const priv = PROTOCOL[id].private === true;
        for (const k of ['apiKey', 'secret']) assert.strictEqual(typeof sim[k], priv ? 'string' : 'undefined', k);
        for (const k of ['deposit', 'balances']) assert.strictEqual(typeof sim[k], priv ? 'function' : 'undefined', k);
      });

      it('faults it has nothing for throw, and supports() says so', () => {
        const f = sim.faults;
        assert.strictEqual(f.supports('corruptChecksum'), PROTOCOL[id].checksums === true);
        assert.strictEqual(f.supports('rejectLogins'), PROTOCOL[id].private === true);
        assert.strictEqual(f.supports('wsApiRateLimit'), PROTOCOL[id].wsApi === true);
        if (!f.supports('corruptChecksum')) assert.throws(() => f.corruptChecksum(defaultSymbols(id)[0]), /has no book checksums/);
        if (!f.supports('rejectLogins')) assert.throws(() => f.rejectLogins(true), /has no logins/);
        if (!f.supports('wsApiRateLimit')) assert.throws(() => f.rateLimit({ api: 'wsApi' }), /has no WebSocket API/);
        assert.strictEqual(f.loginsRejected, false);
      });

      it('dropConnections picks connections by stream and by kind', async () => {
        const p = PROTOCOL[id];
        const subscribed = await connect(sim.urls.ws + p.path, p.subscribe, p.acked);
        const other = await connect(sim.urls.ws + (p.subscribe ? p.path : '/ws'));
        sockets.push(subscribed, other);
        assert.strictEqual(sim.faults.dropConnections({ stream: p.stream }), 1);
        await subscribed.closed;
        assert.strictEqual(sim.faults.dropConnections({ kind: 'api' }), 0, 'no trading socket is open');
        assert.strictEqual(sim.faults.dropConnections({ kind: 'stream' }), 1);
        await other.closed;
      });

      it('skewClock moves the time the server reports, reset() brings it back', async () => {
        const spec = PROTOCOL[id].time;
        const time = typeof spec === 'function' ? () => spec(sim) : async () => spec[1](await (await fetch(sim.urls.rest + spec[0])).json());
        const before = await time();
        sim.faults.skewClock(3_600_000);
        const skewed = await time();
        assert.ok(skewed - before >= 3_600_000, `${skewed} is an hour after ${before}`);
        sim.faults.reset();
        assert.strictEqual(sim.faults.clockSkewMs, 0);
        assert.ok(await time() < skewed);
      });
    });
  }
});
