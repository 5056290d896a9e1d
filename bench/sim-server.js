'use strict';
/**
 * Benchmark 6 server: one exchange's embedded simulator (exstream/sim), in its own process so its
 * CPU is never counted as the client's. The flow does not run on a timer: `run` steps it (one
 * tick of synthetic order flow, then the feed's pending book updates sent at once) as fast as the
 * sockets take the frames. With the same seed every client row gets the same flow, hence the same
 * book frames (only timestamps differ); each row starts a fresh server.
 *
 * It counts the frames it sends during `run` (WebSocket#send of the `ws` package the simulators
 * use), so a client's CPU can be given per frame.
 */
const path = require('path');
const { serve } = require('./lib/ipc');

const ROOT = path.resolve(__dirname, '..');
const WebSocket = require(path.join(ROOT, 'node_modules/ws'));

let sim;
let counting = false;
let sent = 0;
const send = WebSocket.prototype.send;
WebSocket.prototype.send = function countedSend(...args) {
  if (counting) sent++;
  return send.apply(this, args);
};

serve({
  /** { exchange, seed, symbol, levels, options } -> the simulator's urls */
  async init(m) {
    const { simulate } = require(path.join(ROOT, 'js/sim'));
    sim = await simulate(m.exchange, { port: 0, seed: m.seed, symbols: [m.symbol], autoFlow: false, ...(m.levels ? { levels: m.levels } : {}), ...(m.options || {}) });
    // a settled book before any client comes: the same starting book for every row
    for (let i = 0; i < 200; i++) sim.tick(1);
    sim.flush();
    return { urls: sim.urls };
  },
  /** { steps, chunk } -> { sent }: steps of flow, each followed by a flush, `chunk` per turn of the event loop. */
  async run(m) {
    sent = 0;
    counting = true;
    const chunk = m.chunk || 16;
    for (let done = 0; done < m.steps; ) {
      const end = Math.min(m.steps, done + chunk);
      for (; done < end; done++) {
        sim.tick(1);
        sim.flush();
      }
      await new Promise((r) => setImmediate(r));
    }
    counting = false;
    return { sent };
  },
  async exit() {
    if (sim) await sim.close();
  },
});
