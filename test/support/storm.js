'use strict';
/**
 * Reconnect storms under sinon fake timers against real local servers.
 *
 * The clock only moves when the storm moves it: fire the next timer, then wait (real event loop)
 * until the client is at rest again — every handshake it started has reached the server and every
 * connection waits on a timer or in its host's connection budget. So a server that stamps each
 * handshake with `Date.now()` (faked) sees the very time the client's budget granted it.
 */
const { WebSocketServer } = require('ws');
const { once } = require('events');
const { until } = require('./wait');

/** A server that accepts every WebSocket and closes it at once; `times` holds each handshake's Date.now(). */
async function acceptAndClose() {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await once(wss, 'listening');
  const times = [];
  wss.on('connection', (ws) => {
    times.push(Date.now());
    ws.terminate();
  });
  return {
    url: `ws://127.0.0.1:${wss.address().port}`,
    times,
    async close() {
      for (const c of wss.clients) c.terminate();
      await new Promise((r) => wss.close(r));
    },
  };
}

/** The largest number of `times` inside any window of `windowMs` (half-open: (t - windowMs, t]). */
function maxInWindow(times, windowMs) {
  const t = [...times].sort((a, b) => a - b);
  let best = 0;
  let lo = 0;
  for (let hi = 0; hi < t.length; hi++) {
    while (t[lo] <= t[hi] - windowMs) lo++;
    best = Math.max(best, hi - lo + 1);
  }
  return best;
}

/**
 * Runs `clock` forward timer by timer until `untilMs` (fake Date.now()), waiting after each step
 * for `atRest()` (the client's own notion of rest, e.g. "server count === handshakes started and no
 * socket mid-handshake").
 */
async function storm(clock, untilMs, atRest) {
  await until(atRest, 'the client at rest');
  while (Date.now() < untilMs) {
    if (clock.countTimers() === 0) break;
    await clock.nextAsync();
    await until(atRest, `the client at rest at t=${Date.now()}`);
  }
}

module.exports = { acceptAndClose, maxInWindow, storm };
