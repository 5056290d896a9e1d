'use strict';
/**
 * A simulator in a process of its own (for measurements of a client's heap that must not count
 * the simulator's): started with fork(), it sends `{ urls }` over IPC once listening and closes
 * when it receives 'close' or when its parent goes away.
 */
const { simulate } = require('../../js/sim');

(async () => {
  const [id, options] = [process.argv[2], JSON.parse(process.argv[3] || '{}')];
  const sim = await simulate(id, { port: 0, ...options });
  const stop = async () => {
    await sim.close();
    process.exit(0);
  };
  process.on('message', (m) => {
    if (m === 'close') void stop();
  });
  process.on('disconnect', () => void stop());
  process.send({ urls: sim.urls });
})();
