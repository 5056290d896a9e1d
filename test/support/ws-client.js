'use strict';
/**
 * A raw WebSocket client for protocol-level tests of the simulators: it keeps every frame, sends
 * JSON, and lets a test await the next message matching a predicate, a condition on all the
 * messages so far, or a number of matching ones. Every wait fails after a timeout with what it
 * waited for and the last frame seen.
 *
 *   const c = await WsClient.connect(`${sim.urls.ws}/v2`);
 *   c.send({ method: 'ping', req_id: 1 });
 *   const pong = await c.next((m) => m.method === 'pong');
 */
const WebSocket = require('ws');
const { WAIT_MS, withTimeout } = require('./wait');

class WsClient {
  constructor(url, options) {
    this.url = url;
    this.ws = new WebSocket(url, options);
    /** Every message in arrival order: the parsed JSON, or `{ text }` for a frame that is not JSON. */
    this.msgs = [];
    /** The text of every frame, index for index with `msgs` (the exact bytes, e.g. Kraken's number spellings). */
    this.texts = [];
    this.waiters = [];
    this.followers = [];
    this.opened = new Promise((resolve, reject) => {
      this.ws.once('open', resolve);
      this.ws.once('error', reject);
    });
    this.opened.catch(() => {}); // a refused connection is the test's to await
    /** Resolves with {code, reason} when the socket closes. */
    this.closed = new Promise((resolve) => this.ws.once('close', (code, reason) => resolve({ code, reason: String(reason) })));
    this.ws.on('message', (data) => this.receive(String(data)));
  }

  /** Opens a client and resolves once it is connected. */
  static async connect(url, options) {
    const c = new WsClient(url, options);
    await c.opened;
    return c;
  }

  receive(text) {
    let m;
    try {
      m = JSON.parse(text);
    } catch {
      m = { text };
    }
    this.msgs.push(m);
    this.texts.push(text);
    for (const fn of this.followers) fn(m, text);
    for (const w of [...this.waiters]) {
      const r = w.test();
      if (r !== undefined) {
        this.waiters.splice(this.waiters.indexOf(w), 1);
        w.resolve(r);
      }
    }
  }

  /** Sends an object as JSON, or a string as it is. */
  send(o) {
    this.ws.send(typeof o === 'string' ? o : JSON.stringify(o));
  }

  /** Calls fn(message, text) for every message so far and every later one. */
  follow(fn) {
    this.msgs.forEach((m, i) => fn(m, this.texts[i]));
    this.followers.push(fn);
  }

  /** The frame text a message was parsed from. */
  textOf(m) {
    return this.texts[this.msgs.indexOf(m)];
  }

  /** Resolves with test() once it returns something other than undefined. */
  wait(test, what, timeoutMs = WAIT_MS) {
    const r = test();
    if (r !== undefined) return Promise.resolve(r);
    const w = { test };
    return withTimeout(
      `${what} on ${this.url} (${this.msgs.length} messages, the last: ${this.texts[this.texts.length - 1]?.slice(0, 200)})`,
      timeoutMs,
      (resolve) => {
        w.resolve = resolve;
        this.waiters.push(w);
      },
      () => {
        const i = this.waiters.indexOf(w);
        if (i >= 0) this.waiters.splice(i, 1);
      },
    );
  }

  /** The first message at index `from` or later that matches `pred` (it stays in `msgs`). */
  next(pred, from = 0, what = 'a matching message') {
    return this.wait(() => {
      for (let i = from; i < this.msgs.length; i++) if (pred(this.msgs[i])) return this.msgs[i];
      return undefined;
    }, what);
  }

  /** The first message matching `pred` that no take() returned before; it leaves `msgs`. */
  take(pred = () => true, what = 'a matching message') {
    return this.wait(() => {
      const i = this.msgs.findIndex(pred);
      if (i < 0) return undefined;
      this.texts.splice(i, 1);
      return this.msgs.splice(i, 1)[0];
    }, what);
  }

  /** Resolves with the messages once `pred(messages)` is truthy. */
  until(pred, what = 'a condition on the messages') {
    return this.wait(() => (pred(this.msgs) ? this.msgs : undefined), what);
  }

  /** Resolves with the first `n` messages at index `from` or later that match `pred`. */
  collect(pred, n, from = 0, what = `${n} matching messages`) {
    return this.wait(() => {
      const hits = this.msgs.slice(from).filter(pred);
      return hits.length >= n ? hits.slice(0, n) : undefined;
    }, what);
  }

  /** Cuts the connection (no close handshake). */
  close() {
    this.ws.terminate();
  }
}

/** A set of clients for one test: `open()` creates one, `closeAll()` in afterEach cuts them all. */
function wsClients() {
  const list = [];
  return {
    /** A client, not yet awaited (its `opened` may be expected to reject). */
    open(url, options) {
      const c = new WsClient(url, options);
      list.push(c);
      return c;
    },
    /** A connected client. */
    async connect(url, options) {
      const c = this.open(url, options);
      await c.opened;
      return c;
    },
    /** Takes a client made elsewhere (e.g. a subclass) into the set; returns it. */
    add(c) {
      list.push(c);
      return c;
    },
    closeAll() {
      for (const c of list.splice(0)) c.close();
    },
  };
}

module.exports = { WsClient, wsClients };
