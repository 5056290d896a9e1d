'use strict';
/**
 * Always-on book companions (AdapterInstance.bookCompanions, Kraken's `instrument` channel) live
 * exactly while a book is open: a book whose subscription the exchange refused is not open, so the
 * companion is unsubscribed after it like after a book released normally (nothing is left
 * subscribed on the exchange: unsubscribed, or the socket carrying nothing else closed).
 */
const assert = require('assert');
const { kraken, errors } = require('..');
const { KrakenStub } = require('./support/kraken-stub');
const { until } = require('./support/wait');

describe('book companions: a refused book leaves no companion subscribed', function () {
  this.timeout(20000);
  let stub;
  let ex;

  beforeEach(async () => {
    stub = await KrakenStub.start();
    const bids = [];
    const asks = [];
    for (let i = 1; i <= 20; i++) {
      bids.push([30000 - i, i / 10]);
      asks.push([30000 + i, i / 10]);
    }
    stub.seed('BTC/USD', bids, asks);
  });

  afterEach(async () => {
    await ex?.close();
    await stub?.close();
  });

  /** The instrument channel is no longer carried: unsubscribed, or its socket (with nothing else on it) closed. */
  const unsubscribedInstrument = () =>
    stub.controlMessages.some((m) => m.method === 'unsubscribe' && m.params?.channel === 'instrument') || stub.clients.size === 0;

  it('kraken: the book refused, instrument is no longer carried', async () => {
    ex = new kraken({ ws: true, urls: stub.urls, timeoutMs: 5000 });
    ex.on('error', () => {});
    stub.refuse = (channel) => (channel === 'book' ? 'Currency pair not supported BTC/USD' : undefined);
    await assert.rejects(ex.fetchOrderBook('BTC/USD'), errors.BadSymbol);
    assert.ok(stub.controlMessages.some((m) => m.method === 'subscribe' && m.params?.channel === 'instrument'), 'instrument was subscribed with the book');
    await until(unsubscribedInstrument, 'the instrument channel unsubscribed after the refused book', { timeoutMs: 5000 });
  });

  it('kraken: a book released normally unsubscribes instrument too (control)', async () => {
    ex = new kraken({ urls: stub.urls, timeoutMs: 5000 });
    ex.on('error', () => {});
    let cb;
    await new Promise((resolve) => ex.on('orderbook', 'BTC/USD', (cb = resolve)));
    ex.off('orderbook', 'BTC/USD', cb);
    await until(unsubscribedInstrument, 'the instrument channel unsubscribed after the last book', { timeoutMs: 5000 });
  });
});
