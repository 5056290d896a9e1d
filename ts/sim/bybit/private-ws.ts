/**
 * Bybit v5 private WebSockets of the simulator (protocols.md §4):
 * - `/v5/private`: `{"req_id","op":"auth","args":[apiKey, expires, signature]}` answered
 *   `{"success":true,"ret_msg":"","op":"auth","conn_id"}` (or success false with the reason);
 *   then `{"op":"subscribe","args":["order","execution","wallet"]}` (also `order.spot`,
 *   `execution.spot`) acked `{"success":true,"ret_msg":"","op":"subscribe","conn_id","req_id"}`;
 *   pushes `{"id","topic","creationTime","data":[...]}`; `{"op":"ping"}` answered
 *   `{"req_id","op":"pong","args":["<ms>"],"conn_id"}`.
 * - `/v5/trade`: the same auth answered `{"retCode":0,"retMsg":"OK","op":"auth","connId"}`; then
 *   `{"reqId","header":{"X-BAPI-TIMESTAMP","X-BAPI-RECV-WINDOW"},"op":"order.create"|"order.amend"|
 *   "order.cancel","args":[{...}]}` (and `order.create-batch` / `order.amend-batch` /
 *   `order.cancel-batch` with args `[{"category":"spot","request":[..up to 10..]}]`, answered with
 *   `data.list` and `retExtInfo.list`, one entry per order) answered `{"reqId","retCode","retMsg","op","data":{"orderId",
 *   "orderLinkId"},"retExtInfo":{},"header":{..},"connId"}`; a reqId seen before on the connection
 *   gets 20006, an op it does not know 10404, a request before auth 10003-like refusal, the
 *   rate-limit fault retCode 10006.
 * The rejectLogins fault refuses every auth.
 */
import { parseObject } from '../common/format';
import type { Faults } from '../common/faults';
import { SimSocket, SocketGate, SocketServer } from '../common/ws-server';
import { AccountListener, BybitAccount, BybitRefusal } from './account';

export const PRIVATE_PATH = '/v5/private';
export const TRADE_PATH = '/v5/trade';
const TOPICS = new Set(['order', 'execution', 'wallet', 'order.spot', 'execution.spot']);

type Json = Record<string, unknown>;

class PrivConn extends SimSocket {
  authed = false;
  readonly topics = new Set<string>();
  readonly reqIds = new Set<string>();
  override subscribedTo(stream: string): boolean {
    return this.topics.has(stream);
  }
}

export class BybitPrivateWs {
  readonly privateServer: SocketServer<PrivConn>;
  readonly tradeServer: SocketServer<PrivConn>;
  private pushSeq = 0;

  constructor(
    private readonly account: BybitAccount,
    private readonly faults: Faults,
    private readonly now: () => number,
    gate: SocketGate,
  ) {
    this.privateServer = new SocketServer<PrivConn>((p) => p === PRIVATE_PATH, {
      create: (ws, path, query, id) => new PrivConn(ws, path, query, `${id}-priv`, gate),
      message: (c, text) => this.onPrivate(c, text),
      closed: () => undefined,
    });
    this.tradeServer = new SocketServer<PrivConn>((p) => p === TRADE_PATH, {
      create: (ws, path, query, id) => new PrivConn(ws, path, query, `${id}-trade`, gate),
      message: (c, text) => this.onTrade(c, text),
      closed: () => undefined,
    });
    const listener: AccountListener = {
      order: (o) => this.push('order', [o]),
      execution: (e) => this.push('execution', [e]),
      wallet: (w) => this.push('wallet', [w]),
    };
    account.listeners.add(listener);
  }

  private push(topic: 'order' | 'execution' | 'wallet', data: Json[]): void {
    const frame = (t: string): string => JSON.stringify({ id: `${++this.pushSeq}`, topic: t, creationTime: this.now(), data });
    for (const c of this.privateServer.clients) {
      if (!c.authed) continue;
      if (c.topics.has(topic)) c.send(frame(topic));
      else if (topic !== 'wallet' && c.topics.has(`${topic}.spot`)) c.send(frame(`${topic}.spot`));
    }
  }

  private auth(args: unknown): string | undefined {
    if (this.faults.loginsRejected) return 'Request not authorized';
    return this.account.checkAuth(args, this.now());
  }

  private onPrivate(c: PrivConn, text: string): void {
    const m = parseObject(text);
    if (!m) return;
    // req_id echoed when given (ccxt sends a number; the public stream echoes it the same way)
    const reqId = typeof m['req_id'] === 'string' || typeof m['req_id'] === 'number' ? { req_id: String(m['req_id']) } : {};
    const op = m['op'];
    if (op === 'ping') {
      c.send(JSON.stringify({ ...reqId, op: 'pong', args: [String(this.now())], conn_id: c.id }));
      return;
    }
    if (op === 'auth') {
      const bad = this.auth(m['args']);
      c.authed = bad === undefined;
      c.send(JSON.stringify({ success: c.authed, ret_msg: bad ?? '', op: 'auth', conn_id: c.id, ...reqId }));
      return;
    }
    if (op === 'subscribe' || op === 'unsubscribe') {
      const args = m['args'];
      const fail = (msg: string): void => void c.send(JSON.stringify({ success: false, ret_msg: msg, op, conn_id: c.id, ...reqId }));
      if (!c.authed) return fail('Request not authorized');
      if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string' || !TOPICS.has(a))) {
        return fail(`error:handler not found,topic:${Array.isArray(args) ? args.join(',') : ''}`);
      }
      for (const a of args as string[]) {
        if (op === 'subscribe') c.topics.add(a);
        else c.topics.delete(a);
      }
      c.send(JSON.stringify({ success: true, ret_msg: '', op, conn_id: c.id, ...reqId }));
    }
  }

  private onTrade(c: PrivConn, text: string): void {
    const m = parseObject(text);
    if (!m) return;
    const op = typeof m['op'] === 'string' ? m['op'] : '';
    if (op === 'ping') {
      c.send(JSON.stringify({ retCode: 0, retMsg: 'OK', op: 'pong', data: [String(this.now())], connId: c.id }));
      return;
    }
    if (op === 'auth') {
      const bad = this.auth(m['args']);
      c.authed = bad === undefined;
      c.send(JSON.stringify({ ...(typeof m['reqId'] === 'string' ? { reqId: m['reqId'] } : {}), retCode: c.authed ? 0 : 10004, retMsg: bad ?? 'OK', op: 'auth', connId: c.id }));
      return;
    }
    // "If it is not passed, then it is not returned in the response"
    const reqId = typeof m['reqId'] === 'string' || typeof m['reqId'] === 'number' ? String(m['reqId']) : '';
    const now = this.now();
    const reply = (retCode: number, retMsg: string, data: Json = {}, retExtInfo: Json = {}): void =>
      void c.send(
        JSON.stringify({
          ...(reqId ? { reqId } : {}),
          retCode,
          retMsg,
          op,
          data,
          retExtInfo,
          header: { 'X-Bapi-Limit': '20', 'X-Bapi-Limit-Status': '19', 'X-Bapi-Limit-Reset-Timestamp': String(now), Traceid: `sim${now}`, Timenow: String(now) },
          connId: c.id,
        }),
      );
    if (!c.authed) return reply(10003, 'Request not authorized');
    if (reqId.length > 36) return reply(10001, 'params error: reqId is longer than 36 characters');
    if (reqId && c.reqIds.has(reqId)) return reply(20006, 'reqId is duplicated');
    if (reqId) c.reqIds.add(reqId);
    if (this.faults.takeRateLimit('wsApi')) return reply(10006, 'Too many visits!');
    const header = (m['header'] ?? {}) as Json;
    const ts = Number(header['X-BAPI-TIMESTAMP']);
    const rw = Number(header['X-BAPI-RECV-WINDOW'] ?? 5000);
    if (!Number.isFinite(ts) || ts < now - rw || ts >= now + 1000) return reply(10002, 'invalid request, please check your server timestamp or recv_window param');
    const arg = Array.isArray(m['args']) ? (m['args'][0] as Json | undefined) : undefined;
    if (!arg || typeof arg !== 'object') return reply(10001, 'params error: args');
    try {
      switch (op) {
        case 'order.create':
          return reply(0, 'OK', this.account.create(arg));
        case 'order.amend':
          return reply(0, 'OK', this.account.amend(arg));
        case 'order.cancel':
          return reply(0, 'OK', this.account.cancel(arg));
        // batches: args [{category, request: [..]}]; data.list and retExtInfo.list, one entry per order
        case 'order.create-batch':
        case 'order.amend-batch':
        case 'order.cancel-batch': {
          const { list, ext } = this.account.batch(op.slice('order.'.length, -'-batch'.length) as 'create' | 'amend' | 'cancel', arg);
          return reply(0, 'OK', { list }, { list: ext });
        }
        default:
          return reply(10404, `op ${op} not found`);
      }
    } catch (err) {
      if (err instanceof BybitRefusal) return reply(err.retCode, err.message);
      return reply(10016, 'Internal server error.');
    }
  }
}
