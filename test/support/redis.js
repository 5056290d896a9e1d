'use strict';
/**
 * A real redis-server for the relay tests, started on a free port with no persistence and stopped
 * after: `const r = await startRedis(); r.url; await r.restart(); await r.stop();`.
 *
 * Without redis-server the relay suites are skipped with a line saying how to install it, except
 * under CI (process.env.CI set), where a missing redis-server fails the run: `requireRedis(this)`
 * in a `before` hook does both.
 */
const { spawn, execFileSync } = require('child_process');
const fs = require('fs');
const net = require('net');

const INSTALL = 'redis-server not found: the relay tests need it (Debian/Ubuntu: sudo apt-get install -y redis-server; macOS: brew install redis)';

/** The redis-server binary, or undefined. */
function redisServerPath() {
  for (const p of ['/usr/bin/redis-server', '/usr/local/bin/redis-server', '/opt/homebrew/bin/redis-server']) {
    if (fs.existsSync(p)) return p;
  }
  try {
    return execFileSync('sh', ['-c', 'command -v redis-server'], { encoding: 'utf8' }).trim() || undefined;
  } catch {
    return undefined;
  }
}

/**
 * In a mocha `before` hook (function, not arrow): skips the suite when redis-server is missing
 * (printing how to install it), or throws under CI. `opts.bin` (the binary found) is for this rule's own test.
 */
function requireRedis(ctx, opts = {}) {
  if ('bin' in opts ? opts.bin : redisServerPath()) return;
  if (process.env.CI) throw new Error(`${INSTALL} (CI is set: a missing redis-server is a failure)`);
  console.log(`      ${INSTALL}; skipping`);
  ctx.skip();
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = net.createServer();
    srv.on('error', reject);
    srv.listen(0, '127.0.0.1', () => {
      const { port } = srv.address();
      srv.close(() => resolve(port));
    });
  });
}

/** Resolves once something accepts connections on the port. */
async function waitListening(port, proc, timeoutMs = 10000) {
  const until = Date.now() + timeoutMs;
  for (;;) {
    if (proc.exitCode !== null) throw new Error(`redis-server exited with ${proc.exitCode}`);
    const ok = await new Promise((resolve) => {
      const s = net.connect(port, '127.0.0.1');
      s.once('connect', () => {
        s.destroy();
        resolve(true);
      });
      s.once('error', () => resolve(false));
    });
    if (ok) return;
    if (Date.now() > until) throw new Error(`redis-server did not listen on ${port} within ${timeoutMs} ms`);
    await new Promise((r) => setTimeout(r, 20));
  }
}

/** Starts redis-server on a free port (or `port`); resolves with its handle. */
async function startRedis(opts = {}) {
  const bin = redisServerPath();
  if (!bin) throw new Error(INSTALL);
  const port = opts.port ?? (await freePort());
  const args = ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--protected-mode', 'no', ...(opts.args ?? [])];
  let proc;
  const launch = async () => {
    proc = spawn(bin, args, { stdio: ['ignore', 'ignore', 'pipe'] });
    proc.stderr.on('data', () => {});
    await waitListening(port, proc);
  };
  await launch();
  const stop = () =>
    new Promise((resolve) => {
      if (proc.exitCode !== null || proc.signalCode !== null) return resolve();
      proc.once('exit', () => resolve());
      proc.kill('SIGKILL');
    });
  return {
    port,
    url: `redis://127.0.0.1:${port}`,
    get pid() {
      return proc.pid;
    },
    stop,
    /** Kills it (no persistence: it comes back empty) and starts it again on the same port. */
    async restart() {
      await stop();
      await launch();
    },
  };
}

/**
 * A Redis Cluster of `n` masters (no replicas), each a redis-server started like startRedis in its
 * own temporary directory, the 16384 slots split between them (evenly, or at `splits`: the first
 * slot of each node after the first): { url, nodes, nodeOfSlot(slot), stop() }. `url` lists every
 * node (redis://h:p1,h:p2,...), which the relay reads as a Cluster.
 */
async function startRedisCluster(n = 3, splits) {
  const starts = [0, ...(splits ?? Array.from({ length: n - 1 }, (_, i) => Math.floor(((i + 1) * 16384) / n)))];
  const os = require('os');
  const path = require('path');
  const Redis = require('ioredis');
  const dirs = [];
  const nodes = [];
  try {
    for (let i = 0; i < n; i++) {
      const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'exstream-cluster-'));
      dirs.push(dir);
      nodes.push(await startRedis({ args: ['--cluster-enabled', 'yes', '--cluster-config-file', path.join(dir, 'nodes.conf'), '--cluster-node-timeout', '2000', '--dir', dir] }));
    }
    const links = nodes.map((node) => new Redis(node.port, '127.0.0.1'));
    try {
      for (let i = 0; i < n; i++) {
        await links[i].call('CLUSTER', 'ADDSLOTSRANGE', String(starts[i]), String(i === n - 1 ? 16383 : starts[i + 1] - 1));
      }
      for (let i = 1; i < n; i++) await links[0].call('CLUSTER', 'MEET', '127.0.0.1', String(nodes[i].port));
      // the nodes agree by gossip (no event to wait on): ask each until all say the cluster is ok
      const until = Date.now() + 20000;
      for (;;) {
        const infos = await Promise.all(links.map((l) => l.call('CLUSTER', 'INFO')));
        if (infos.every((t) => /cluster_state:ok/.test(t) && new RegExp(`cluster_known_nodes:${n}\\b`).test(t))) break;
        if (Date.now() > until) throw new Error(`the ${n}-node cluster did not form: ${infos.join(' | ')}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    } finally {
      for (const l of links) l.disconnect();
    }
  } catch (err) {
    for (const node of nodes) await node.stop();
    throw err;
  }
  return {
    nodes,
    nodeOfSlot: (slot) => starts.filter((s) => s <= slot).length - 1,
    url: `redis://${nodes.map((x) => `127.0.0.1:${x.port}`).join(',')}`,
    async stop() {
      for (const node of nodes) await node.stop();
      for (const d of dirs) fs.rmSync(d, { recursive: true, force: true });
    },
  };
}

module.exports = { startRedis, startRedisCluster, requireRedis, redisServerPath, freePort };
