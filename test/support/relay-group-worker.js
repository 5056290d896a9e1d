'use strict';
/**
 * One consumer of a relay consumer group in its own process (child_process.fork with IPC):
 *
 *   fork(__filename, [redisUrl, group, consumer, claimIdleMs, handleFirst])
 *
 * It handles fills through `relayGroup` and tells the parent { got: tradeId } when a handler starts
 * and { handled: tradeId } when it finished. With handleFirst >= 0 it handles that many fills and
 * then hangs in the next handler for good (a consumer stuck or about to be killed mid-stream).
 * { ready: true } once it joined the group.
 */
const { relayGroup } = require('../..');

const [url, group, consumer, claimIdleMs, handleFirst] = process.argv.slice(2);
let done = 0;
const g = relayGroup({ relay: url, exchange: 'binance', group, consumer, claimIdleMs: Number(claimIdleMs) });
g.on('error', (e) => process.send({ error: e.message }));
g.on('fills', async (trade, info) => {
  process.send({ got: trade.id, redelivered: info.redelivered });
  if (Number(handleFirst) >= 0 && done >= Number(handleFirst)) await new Promise(() => {});
  done++;
  process.send({ handled: trade.id, by: consumer });
});
g.start().then(() => process.send({ ready: true }));
process.on('disconnect', () => process.exit(0));
