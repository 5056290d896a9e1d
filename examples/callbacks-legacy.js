#!/usr/bin/env node
'use strict';
/**
 * exstream from callback-style CommonJS code: no async/await anywhere. Streams arrive through
 * `on()` callbacks (books, trades, connection status), stream problems through `on('error')`, and
 * the few one-shot calls use `.then()` / `.catch()`.
 *
 *   node examples/callbacks-legacy.js                  # embedded Binance simulator, 10 s
 *   node examples/callbacks-legacy.js --seconds 30
 *   node examples/callbacks-legacy.js --live           # real Binance, public data (or EXSTREAM_LIVE=1)
 */
var exstream = require('exstream');
var simulate = require('exstream/sim').simulate;

var argv = process.argv.slice(2);
var LIVE = argv.indexOf('--live') >= 0 || process.env.EXSTREAM_LIVE === '1';
var SECONDS = Number(argv.indexOf('--seconds') >= 0 ? argv[argv.indexOf('--seconds') + 1] : process.env.EXAMPLE_SECONDS || 10);
var SYMBOLS = ['BTC/USDT', 'ETH/USDT'];

// The simulator is a local server speaking Binance's protocol; live, there is nothing to start.
var started = LIVE ? Promise.resolve(null) : simulate('binance', { port: 0, seed: 11, symbols: SYMBOLS });

started.then(function (sim) {
  // ws: true keeps books in memory from WebSocket streams; urls points the client at the simulator
  var ex = new exstream.binance(sim ? { ws: true, urls: sim.urls } : { ws: true });
  var updates = {};
  var trades = 0;
  var tops = {};

  // Connection life: 'connecting' -> 'open', 'reconnecting' after a drop, 'closed' at the end.
  ex.on('status', function (s) {
    console.log('status ' + s.state + ' ' + s.url + (s.error ? ' (' + s.error.message + ')' : ''));
  });
  // A book thrown away and rebuilt (sequence gap, reconnect, stale stream) is announced, never served wrong.
  ex.on('resync', function (e) {
    console.log('resync ' + e.symbol + ' ' + e.reason);
  });
  // Everything that goes wrong outside a call you made: malformed frames, refused subscriptions,
  // and exceptions thrown by your own callbacks (which never break the stream).
  ex.on('error', function (err) {
    console.log('error ' + err.name + ': ' + err.message);
  });

  SYMBOLS.forEach(function (symbol) {
    updates[symbol] = 0;
    // Called after every merged update with the live book: read it now, keep book.limit(n) for later.
    ex.on('orderbook', symbol, function (book) {
      updates[symbol]++;
      tops[symbol] = book.limit(1);
    });
    // Called with each batch of new public trades.
    ex.on('trades', symbol, function (batch) {
      batch.forEach(function (t) {
        trades++;
        if (trades <= 10) console.log('trade ' + t.symbol + ' ' + t.side + ' ' + t.amount + ' @ ' + t.price);
      });
      if (trades > 10 && trades - batch.length <= 10) console.log('(more trades are counted, not printed)');
    });
  });

  // A bug in a callback: the throw goes to on('error') above, the other callbacks carry on.
  var off = ex.on('trades', 'BTC/USDT', function () {
    off();
    throw new Error('a callback that throws once');
  });

  // One-shot calls return promises: .then() for the answer, .catch() for its error.
  ex.fetchTicker('BTC/USDT').then(
    function (t) {
      console.log('ticker BTC/USDT last ' + t.last + ' bid ' + t.bid + ' ask ' + t.ask);
    },
    function (err) {
      console.log('fetchTicker failed: ' + err.name + ': ' + err.message);
    }
  );
  ex.fetchOrderBook('NOPE/USDT').catch(function (err) {
    console.log('fetchOrderBook NOPE/USDT rejected: ' + err.name);
  });

  // Once a second, the top of each book as the callbacks last saw it.
  var timer = setInterval(function () {
    SYMBOLS.forEach(function (symbol) {
      var b = tops[symbol];
      if (b) console.log('book ' + symbol + ' bid ' + b.bids[0][0] + ' ask ' + b.asks[0][0] + ' (' + updates[symbol] + ' updates)');
    });
  }, 1000);

  var stopping = false;
  function stop() {
    if (stopping) return;
    stopping = true;
    clearInterval(timer);
    ex.close()
      .then(function () {
        return sim && sim.close();
      })
      .then(function () {
        console.log('closed: ' + (updates['BTC/USDT'] + updates['ETH/USDT']) + ' book updates, ' + trades + ' trades');
      });
  }
  setTimeout(stop, SECONDS * 1000);
  process.once('SIGINT', stop);
}).catch(function (err) {
  console.error(err);
  process.exitCode = 1;
});
