/**
 * Bybit v5 public spot WebSocket at `/v5/public/spot` (protocols.md §4 "Subscribe, ack, limits and
 * heartbeat"): `{"req_id"?,"op":"subscribe"|"unsubscribe","args":["orderbook.50.BTCUSDT",...]}`
 * answered with one `{"success":true,"ret_msg":"subscribe","conn_id","req_id","op"}` per request,
 * or `{"success":false,"ret_msg":"error:handler not found,topic:..",...}` for an unknown topic and
 * `"args size >10"` for more than 10 args (then nothing of the request is subscribed);
 * `{"op":"ping"}` is answered `{"success":true,"ret_msg":"pong","conn_id","req_id","op":"ping"}`.
 */
import { parseObject } from '../common/format';
import { SocketGate, SocketServer } from '../common/ws-server';
import { BybitConn, BybitFeed, BybitSub } from './feed';
import { INTERVALS } from './market-data';
import type { BybitInstrument } from './symbols';

export const PUBLIC_SPOT_PATH = '/v5/public/spot';
const DEPTHS = ['1', '50', '200', '1000'];
/** "args size >10": spot takes at most 10 args per request. */
const MAX_ARGS = 10;

export class BybitPublicWs {
  readonly server: SocketServer<BybitConn>;

  constructor(
    private readonly feed: BybitFeed,
    private readonly instruments: readonly BybitInstrument[],
    gate: SocketGate,
  ) {
    this.server = new SocketServer<BybitConn>((p) => p === PUBLIC_SPOT_PATH, {
      create: (ws, path, query, id) => new BybitConn(ws, path, query, `${id}-spot`, gate),
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => {
        for (const s of c.subs.values()) this.feed.remove(s);
        c.subs.clear();
      },
    });
  }

  private onMessage(c: BybitConn, text: string): void {
    const msg = parseObject(text);
    if (!msg) {
      c.send(JSON.stringify({ success: false, ret_msg: `error:invalid request ${text.slice(0, 64)}`, conn_id: c.id, op: '' }));
      return;
    }
    const reqId = typeof msg['req_id'] === 'string' || typeof msg['req_id'] === 'number' ? String(msg['req_id']) : undefined;
    const op = typeof msg['op'] === 'string' ? msg['op'] : '';
    const reply = (success: boolean, retMsg: string): void => {
      c.send(JSON.stringify({ success, ret_msg: retMsg, conn_id: c.id, ...(reqId !== undefined ? { req_id: reqId } : {}), op }));
    };
    if (op === 'ping') {
      reply(true, 'pong');
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      reply(false, `error:op ${op} not supported`);
      return;
    }
    const args = msg['args'];
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => typeof a !== 'string')) {
      reply(false, 'error:args invalid');
      return;
    }
    if (args.length > MAX_ARGS) {
      reply(false, `args size >${MAX_ARGS}`);
      return;
    }
    const parsed: BybitSub[] = [];
    for (const topic of args as string[]) {
      const sub = this.parse(c, topic);
      if (!sub) {
        reply(false, `error:handler not found,topic:${topic}`);
        return;
      }
      parsed.push(sub);
    }
    reply(true, op);
    for (const sub of parsed) {
      const old = c.subs.get(sub.topic);
      if (old) {
        c.subs.delete(sub.topic);
        this.feed.remove(old);
      }
      if (op === 'subscribe') {
        c.subs.set(sub.topic, sub);
        this.feed.add(sub);
      }
    }
  }

  private parse(c: BybitConn, topic: string): BybitSub | undefined {
    const p = topic.split('.');
    const inst = (id: string | undefined): BybitInstrument | undefined => this.instruments.find((i) => i.id === id);
    if (p[0] === 'orderbook' && p.length === 3 && DEPTHS.includes(p[1] as string) && inst(p[2])) {
      return { conn: c, topic, channel: 'orderbook', id: p[2] as string, depth: Number(p[1]) };
    }
    if ((p[0] === 'tickers' || p[0] === 'publicTrade') && p.length === 2 && inst(p[1])) {
      return { conn: c, topic, channel: p[0], id: p[1] as string };
    }
    if (p[0] === 'kline' && p.length === 3 && INTERVALS[p[1] as string] && inst(p[2])) {
      return { conn: c, topic, channel: 'kline', id: p[2] as string, interval: p[1] };
    }
    return undefined;
  }
}
