/**
 * OKX v5 WebSocket at `/ws/v5/public` (books, books5, bbo-tbt, tickers, trades) and
 * `/ws/v5/business` (candle<bar>, trades-all), per protocols.md §3 "Subscribe, ack, limits and
 * liveness": `{"id"?,"op":"subscribe"|"unsubscribe","args":[{"channel","instId"},...]}` answered
 * with one `{"id"?,"event":"subscribe","arg":{...},"connId"}` per arg, or one
 * `{"id"?,"event":"error","code","msg","connId"}` for the whole request (60012 invalid request /
 * JSON, 60013 invalid args, 60018 wrong URL, channel or instId, 60019 invalid op); the text frame
 * `ping` is answered with `pong`; a connection with no subscription, or to which nothing was pushed,
 * for `idleTimeoutMs` (30 s) is closed.
 */
import { parseObject } from '../common/format';
import { SocketGate, SocketServer } from '../common/ws-server';
import { OkxConn, OkxFeed, OkxSub } from './feed';
import { barOf } from './market-data';
import type { OkxInstrument } from './symbols';

export const PUBLIC_PATH = '/ws/v5/public';
export const BUSINESS_PATH = '/ws/v5/business';
const PUBLIC_CHANNELS = ['books', 'books5', 'bbo-tbt', 'tickers', 'trades'];
/** Business channels that need a login (OKX docs-v5 "Funding account > WebSocket"). */
const PRIVATE_BUSINESS = ['deposit-info', 'withdrawal-info'];

/** Checks a login's args: undefined when good, else [code, msg] (the simulated account). */
export type LoginCheck = (args: unknown[] | undefined) => [string, string] | undefined;
const ID_RE = /^[A-Za-z0-9]{1,32}$/;

type Json = Record<string, unknown>;

export class OkxWs {
  readonly server: SocketServer<OkxConn>;

  constructor(
    private readonly feed: OkxFeed,
    private readonly instruments: readonly OkxInstrument[],
    private readonly gate: SocketGate,
    private readonly checkLogin?: LoginCheck,
  ) {
    this.server = new SocketServer<OkxConn>((p) => p === PUBLIC_PATH || p === BUSINESS_PATH, {
      create: (ws, path, query, id) => {
        const c = new OkxConn(ws, path, query, id.slice(-8).padStart(8, '0'), gate);
        c.lastSubChange = c.connectedAt;
        return c;
      },
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => {
        for (const s of c.subs.values()) this.feed.remove(s);
        c.subs.clear();
      },
    });
  }

  /** Closes connections idle for `ms`: no subscription, or nothing pushed (OKX's 30 s rule). */
  housekeeping(now: number, ms: number): void {
    if (ms <= 0 || this.gate.silenced()) return;
    for (const c of this.server.clients) {
      const idle = c.subs.size === 0 && c.funding.size === 0 ? now - Math.max(c.lastSubChange, c.lastSentAt) : now - c.lastSentAt;
      if (idle >= ms) c.close(4004, 'No data received in 30s.');
    }
  }

  private onMessage(c: OkxConn, text: string): void {
    if (text === 'ping') {
      c.send('pong');
      return;
    }
    const msg = parseObject(text);
    if (!msg) {
      this.error(c, undefined, '60012', `Invalid request: ${text}`);
      return;
    }
    const id = typeof msg['id'] === 'string' && ID_RE.test(msg['id']) ? msg['id'] : undefined;
    if (msg['id'] !== undefined && id === undefined) {
      this.error(c, undefined, '60013', 'Invalid args');
      return;
    }
    const op = msg['op'];
    if (op === 'login' && c.path === BUSINESS_PATH && this.checkLogin) {
      const bad = this.checkLogin(Array.isArray(msg['args']) ? (msg['args'] as unknown[]) : undefined);
      if (bad) return this.error(c, undefined, bad[0], bad[1]);
      c.loggedIn = true;
      c.send(JSON.stringify({ event: 'login', code: '0', msg: '', connId: c.id }));
      return;
    }
    if (op !== 'subscribe' && op !== 'unsubscribe') {
      this.error(c, id, '60019', `Invalid op: op:${String(op)}`);
      return;
    }
    const args = msg['args'];
    if (!Array.isArray(args) || args.length === 0 || args.some((a) => a === null || typeof a !== 'object' || typeof (a as Json)['channel'] !== 'string')) {
      this.error(c, id, '60013', 'Invalid args');
      return;
    }
    const business = c.path === BUSINESS_PATH;
    if (business && this.checkLogin && (args as Json[]).some((a) => PRIVATE_BUSINESS.includes(a['channel'] as string))) {
      // the funding channels: no instId, login first
      if (!c.loggedIn) return this.error(c, id, '60011', 'Please log in');
      if ((args as Json[]).some((a) => !PRIVATE_BUSINESS.includes(a['channel'] as string))) return this.error(c, id, '60013', 'Invalid args');
      for (const a of args as Json[]) {
        const arg = { channel: a['channel'] as string };
        if (op === 'subscribe') c.funding.add(arg.channel);
        else c.funding.delete(arg.channel);
        c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), event: op, arg, connId: c.id }));
      }
      return;
    }
    const parsed: OkxSub[] = [];
    for (const a of args as Json[]) {
      const channel = a['channel'] as string;
      const instId = a['instId'];
      let bar: string | undefined;
      let ok: boolean;
      if (channel.startsWith('candle')) {
        bar = barOf(channel.slice(6));
        ok = business && bar !== undefined;
      } else if (channel === 'trades-all') ok = business;
      else ok = !business && PUBLIC_CHANNELS.includes(channel);
      const inst = typeof instId === 'string' ? this.instruments.find((i) => i.instId === instId) : undefined;
      if (!ok || !inst) {
        this.error(c, id, '60018', `Wrong URL or channel:${channel},instId:${String(instId)} doesn't exist. Please use the correct URL, channel and parameters referring to API document.`);
        return;
      }
      parsed.push({ conn: c, channel, instId: inst.instId, ...(bar !== undefined ? { bar } : {}) });
    }
    for (const sub of parsed) {
      const key = `${sub.channel}:${sub.instId}`;
      const arg = { channel: sub.channel, instId: sub.instId };
      const before = c.subs.size;
      const old = c.subs.get(key);
      if (old) {
        c.subs.delete(key);
        this.feed.remove(old);
      }
      if (op === 'subscribe') c.subs.set(key, sub);
      if ((before === 0) !== (c.subs.size === 0)) c.lastSubChange = Date.now();
      c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), event: op, arg, connId: c.id }));
      if (op === 'subscribe') this.feed.add(sub);
    }
  }

  /** A deposit-info / withdrawal-info push to every logged-in business connection subscribed to it. */
  pushFunding(channel: string, data: Json): void {
    const text = JSON.stringify({ arg: { channel, uid: '1' }, data: [data] });
    for (const c of this.server.clients) if (c.loggedIn && c.funding.has(channel)) c.send(text);
  }

  private error(c: OkxConn, id: string | undefined, code: string, msg: string): void {
    c.send(JSON.stringify({ ...(id !== undefined ? { id } : {}), event: 'error', code, msg, connId: c.id }));
  }
}
