'use strict';
/**
 * Raw Binance API calls for the simulator's protocol tests, signed the documented way and written
 * here independently of the library: SIGNED REST requests (HMAC-SHA256 of the query or body as
 * sent), and a client of the WebSocket API (/ws-api/v3) with its own request ids, HMAC-SHA256 of
 * the sorted params or Ed25519 for session.logon, and User Data Stream events.
 */
const crypto = require('crypto');
const { WsClient } = require('./ws-client');
const { fetchJson } = require('./http');

/**
 * A SIGNED REST request to a Binance server: params in the query (GET/DELETE) or the body (POST),
 * like the docs' examples; resolves with {status, headers, body}.
 */
function signedRest(sim, method, path, params = {}, { key = sim.apiKey, secret = sim.secret, timestamp = Date.now() } = {}) {
  const qs = new URLSearchParams({ ...params, timestamp: String(timestamp) }).toString();
  const full = `${qs}&signature=${crypto.createHmac('sha256', secret).update(qs).digest('hex')}`;
  const init = { method, headers: { 'X-MBX-APIKEY': key } };
  let url = sim.urls.rest + path;
  if (method === 'POST') {
    init.body = full;
    init.headers['content-type'] = 'application/x-www-form-urlencoded';
  } else url += `?${full}`;
  return fetchJson(url, init);
}

/** `params` plus apiKey, timestamp and the signature of them all, sorted by name and joined as a query. */
function signParams(params, { apiKey, secret, privateKey, timestamp = Date.now() }) {
  const p = { ...params, apiKey, timestamp };
  const payload = Object.keys(p).sort().map((k) => `${k}=${p[k]}`).join('&');
  p.signature = privateKey
    ? crypto.sign(null, Buffer.from(payload), crypto.createPrivateKey(privateKey)).toString('base64')
    : crypto.createHmac('sha256', secret).update(payload).digest('hex');
  return p;
}

class BinanceApiClient extends WsClient {
  constructor(sim) {
    super(`${sim.urls.wsApi}/ws-api/v3`);
    this.sim = sim;
    this.seq = 0;
  }

  /** A connected client of the simulator's WebSocket API. */
  static async connect(sim) {
    const c = new BinanceApiClient(sim);
    await c.opened;
    return c;
  }

  /** Sends a request and resolves with its response. */
  request(method, params) {
    const id = `req-${++this.seq}`;
    this.send(params === undefined ? { id, method } : { id, method, params });
    return this.take((m) => m.id === id, `the response to ${method} (${id})`);
  }

  /** A request signed with the sim's HMAC key, or the given key / secret / timestamp. */
  signed(method, params = {}, { apiKey = this.sim.apiKey, secret = this.sim.secret, timestamp } = {}) {
    return this.request(method, signParams(params, { apiKey, secret, timestamp }));
  }

  /** A request signed with the sim's Ed25519 key. */
  ed25519(method, params = {}) {
    return this.request(method, signParams(params, { apiKey: this.sim.ed25519.apiKey, privateKey: this.sim.ed25519.privateKey }));
  }

  /** The next User Data Stream event matching `pred`. */
  event(pred) {
    return this.take((m) => m.event !== undefined && pred(m.event), 'a user data event');
  }
}

module.exports = { BinanceApiClient, signParams, signedRest };
