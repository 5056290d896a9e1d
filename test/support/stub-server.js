'use strict';
/**
 * What the scripted exchange servers of the integration tests (binance-, kraken-, okx-stub) share:
 * one HTTP server with WebSocket upgrades on 127.0.0.1, port 0; the connected clients
 * ({ ws, ... } records the subclass keeps in `clients`); and the transport faults — raw text,
 * abrupt drops, silence. A subclass implements onHttp(req, res) and onWs(ws, req).
 */
const http = require('http');
const { WebSocketServer } = require('ws');
const { until } = require('./wait');

class StubServer {
  constructor() {
    this.clients = new Set();
    /** Path and query of every REST request. */
    this.requests = [];
    /** Every control message (subscribe, ping...) the clients sent. */
    this.controlMessages = [];
    this.silent = false;
  }

  /** Starts listening; `wsOptions` go to the WebSocketServer (e.g. { autoPong: false }). */
  async listen(wsOptions = {}) {
    this.http = http.createServer((req, res) => this.onHttp(req, res));
    this.wss = new WebSocketServer({ noServer: true, ...wsOptions });
    this.http.on('upgrade', (req, sock, head) => this.wss.handleUpgrade(req, sock, head, (ws) => this.onWs(ws, req)));
    await new Promise((r) => this.http.listen(0, '127.0.0.1', r));
    const { port } = this.http.address();
    this.urls = { rest: `http://127.0.0.1:${port}`, ws: `ws://127.0.0.1:${port}` };
    return this;
  }

  /** Writes a JSON reply. */
  static reply(res, status, body) {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify(body));
  }

  /** Sends to one client (nothing while silent); objects as JSON. */
  sendTo(client, obj) {
    if (this.silent) return;
    client.ws.send(typeof obj === 'string' ? obj : JSON.stringify(obj));
  }

  /** Resolves with the first client for which `pred(client)` holds, once one does. */
  clientWhere(pred, what) {
    return until(() => [...this.clients].find(pred), what);
  }

  // ------------------------------------------------------------------ faults

  /** Sends raw text to every connected client (even while silent). */
  raw(text) {
    for (const c of this.clients) c.ws.send(text);
  }

  /** Cuts every connection abruptly (no close frame). */
  dropAll() {
    for (const c of this.clients) c.ws.terminate();
  }

  /** Stops all traffic: no data, no replies, no pongs. */
  silence(on = true) {
    this.silent = on;
  }

  async close() {
    for (const c of this.clients) c.ws.terminate();
    this.wss.close();
    this.http.closeAllConnections?.();
    await new Promise((r) => this.http.close(r));
  }
}

module.exports = { StubServer };
