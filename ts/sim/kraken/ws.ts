/**
 * Kraken Spot WebSocket API v2 at `/v2` (protocols.md §2 "Envelope, subscribe and acks"): a
 * `status` message on connect; `{"method":"subscribe"|"unsubscribe","params":{...},"req_id":N}`
 * answered with one acknowledgement per symbol (`{"method","result":{...},"success":true,
 * "time_in","time_out","req_id"}`) or refusal (`{"error","method","success":false,"symbol",...}`);
 * `{"method":"ping"}` -> `{"method":"pong"}`; `{"channel":"heartbeat"}` about once a second on
 * connections with a subscription when nothing else went out. Channels: book, ticker, trade, ohlc
 * (kraken/feed.ts) and instrument (a snapshot, then an update when a pair's precision is changed). Refusal texts: "Currency pair not supported
 * <symbol>" as documented; "Already subscribed", "Subscription Not Found" and
 * "EGeneral:Invalid arguments" are UNCONFIRMED spellings.
 */
import { parseObject, rfc3339 } from '../common/format';
import { SocketGate, SocketServer } from '../common/ws-server';
import { Channel, KrakenConn, KrakenFeed, Sub } from './feed';
import { KRAKEN_INTERVALS } from './market-data';
import type { KrakenPair } from './symbols';

const DEPTHS = [10, 25, 100, 500, 1000];
const CHANNELS: Channel[] = ['book', 'ticker', 'trade', 'ohlc'];
const SNAPSHOT_DEFAULT: Record<Channel, boolean> = { book: true, ticker: true, trade: false, ohlc: true };
const INVALID = 'EGeneral:Invalid arguments';

type Json = Record<string, unknown>;

export class KrakenWs {
  readonly server: SocketServer<KrakenConn>;
  private readonly instrumentSubs = new Set<KrakenConn>();
  private connSeq = 0;

  constructor(
    private readonly feed: KrakenFeed,
    private readonly pairs: readonly KrakenPair[],
    private readonly gate: SocketGate,
  ) {
    this.server = new SocketServer<KrakenConn>((p) => p === '/v2' || p === '/v2/', {
      create: (ws, path, query, id) => new KrakenConn(ws, path, query, id, gate),
      opened: (c) => {
        const connectionId = 10_000_000_000 + ++this.connSeq * 7919 + Math.floor(Math.random() * 1000);
        c.send(JSON.stringify({
          channel: 'status',
          type: 'update',
          data: [{ api_version: 'v2', connection_id: connectionId, system: 'online', version: '2.0.10' }],
        }));
      },
      message: (c, text) => this.onMessage(c, text),
      closed: (c) => {
        for (const s of c.subs.values()) this.feed.remove(s);
        c.subs.clear();
        this.instrumentSubs.delete(c);
      },
    });
  }

  /** Heartbeats to subscribed connections that sent nothing for `ms`. */
  heartbeat(now: number, ms: number): void {
    for (const c of this.server.clients) {
      if ((c.subs.size > 0 || this.instrumentSubs.has(c)) && now - c.lastSentAt >= ms * 0.9) c.send('{"channel":"heartbeat"}');
    }
  }

  private onMessage(c: KrakenConn, text: string): void {
    const timeIn = rfc3339(this.gate.now());
    const msg = parseObject(text);
    if (!msg) {
      this.reply(c, { error: INVALID, success: false }, timeIn, undefined);
      return;
    }
    const reqId = typeof msg['req_id'] === 'number' && Number.isInteger(msg['req_id']) ? (msg['req_id'] as number) : undefined;
    const method = msg['method'];
    if (method === 'ping') {
      this.reply(c, { method: 'pong' }, timeIn, reqId);
      return;
    }
    if (method !== 'subscribe' && method !== 'unsubscribe') {
      this.reply(c, { error: `${INVALID}:method`, method: typeof method === 'string' ? method : undefined, success: false }, timeIn, reqId);
      return;
    }
    this.subscription(c, method, msg['params'], reqId, timeIn);
  }

  private reply(c: KrakenConn, body: Json, timeIn: string, reqId: number | undefined): void {
    const out: Json = { ...body, time_in: timeIn, time_out: rfc3339(this.gate.now()) };
    if (reqId !== undefined) out['req_id'] = reqId;
    c.send(JSON.stringify(out));
  }

  private subscription(c: KrakenConn, method: 'subscribe' | 'unsubscribe', params: unknown, reqId: number | undefined, timeIn: string): void {
    const fail = (error: string, symbol?: string): void =>
      this.reply(c, { error, method, success: false, ...(symbol !== undefined ? { symbol } : {}) }, timeIn, reqId);
    if (params === null || typeof params !== 'object' || Array.isArray(params)) return fail(INVALID);
    const p = params as Json;
    const channel = p['channel'];
    if (channel === 'instrument') return this.instrument(c, method, p, reqId, timeIn);
    if (typeof channel !== 'string' || !CHANNELS.includes(channel as Channel)) return fail(`${INVALID}:channel`);
    const ch = channel as Channel;
    const symbols = p['symbol'];
    if (!Array.isArray(symbols) || symbols.length === 0 || symbols.some((s) => typeof s !== 'string')) return fail(`${INVALID}:symbol`);
    const depth = p['depth'] ?? 10;
    if (ch === 'book' && (typeof depth !== 'number' || !DEPTHS.includes(depth))) return fail(`${INVALID}:depth`);
    const interval = p['interval'] ?? 1;
    if (ch === 'ohlc' && (typeof interval !== 'number' || !KRAKEN_INTERVALS.includes(interval))) return fail(`${INVALID}:interval`);
    const trigger = p['event_trigger'] ?? 'trades';
    if (ch === 'ticker' && trigger !== 'trades' && trigger !== 'bbo') return fail(`${INVALID}:event_trigger`);
    const snap = p['snapshot'];
    if (snap !== undefined && typeof snap !== 'boolean') return fail(`${INVALID}:snapshot`);
    const snapshot = snap ?? SNAPSHOT_DEFAULT[ch];

    for (const symbol of symbols as string[]) {
      const pair = this.pairs.find((x) => x.symbol === symbol);
      if (!pair) {
        fail(`Currency pair not supported ${symbol}`, symbol);
        continue;
      }
      const key = ch === 'ohlc' ? `ohlc:${symbol}:${interval as number}` : `${ch}:${symbol}`;
      const result: Json = { channel: ch };
      if (ch === 'book') result['depth'] = depth;
      if (ch === 'ohlc') result['interval'] = interval;
      if (ch === 'ticker' && method === 'subscribe') result['event_trigger'] = trigger;
      if (method === 'subscribe') result['snapshot'] = snapshot;
      result['symbol'] = symbol;
      if (method === 'unsubscribe') {
        const sub = c.subs.get(key);
        if (!sub || (ch === 'book' && sub.depth !== depth && p['depth'] !== undefined)) {
          fail('Subscription Not Found', symbol);
          continue;
        }
        c.subs.delete(key);
        this.feed.remove(sub);
        if (ch === 'book') result['depth'] = sub.depth;
        this.reply(c, { method, result, success: true }, timeIn, reqId);
        continue;
      }
      if (c.subs.has(key)) {
        fail('Already subscribed', symbol);
        continue;
      }
      const sub: Sub = {
        conn: c,
        channel: ch,
        pair,
        depth: depth as number,
        interval: interval as number,
        trigger: trigger as 'trades' | 'bbo',
        loseNext: false,
      };
      c.subs.set(key, sub);
      this.reply(c, { method, result, success: true }, timeIn, reqId);
      this.feed.add(sub, snapshot);
    }
  }

  /**
   * Announces changed pairs on the instrument channel: `{"channel":"instrument","type":"update",
   * "data":{"assets":[],"pairs":[...]}}`, each pair in full as in the snapshot (docs.kraken.com
   * websocket-v2 "instrument": snapshot and update share one schema).
   */
  publishInstrument(changed: readonly KrakenPair[]): void {
    if (changed.length === 0) return;
    const text = `{"channel":"instrument","type":"update","data":{"assets":[],"pairs":[${changed.map(instrumentPair).join(',')}]}}`;
    for (const c of this.instrumentSubs) c.send(text);
  }

  /** The instrument channel: reference data of every pair, a snapshot, then updates on changes. */
  private instrument(c: KrakenConn, method: 'subscribe' | 'unsubscribe', p: Json, reqId: number | undefined, timeIn: string): void {
    const snapshot = p['snapshot'] !== false;
    if (method === 'unsubscribe') {
      if (!this.instrumentSubs.delete(c)) {
        this.reply(c, { error: 'Subscription Not Found', method, success: false }, timeIn, reqId);
        return;
      }
      this.reply(c, { method, result: { channel: 'instrument' }, success: true }, timeIn, reqId);
      return;
    }
    if (this.instrumentSubs.has(c)) {
      this.reply(c, { error: 'Already subscribed', method, success: false }, timeIn, reqId);
      return;
    }
    this.instrumentSubs.add(c);
    this.reply(c, { method, result: { channel: 'instrument', snapshot }, success: true }, timeIn, reqId);
    if (!snapshot) return;
    const assets = new Map<string, number>();
    for (const x of this.pairs) {
      assets.set(x.baseIso, Math.max(assets.get(x.baseIso) ?? 0, 10));
      assets.set(x.quoteIso, Math.max(assets.get(x.quoteIso) ?? 0, x.quoteIso.length === 3 ? 4 : 8));
    }
    const pairs = this.pairs.map(instrumentPair);
    const assetList = [...assets].map(([id, precision]) =>
      `{"id":"${id}","status":"enabled","precision":${precision},"precision_display":${Math.min(precision, 5)},"borrowable":false,"collateral_value":0,"margin_rate":0}`);
    c.send(`{"channel":"instrument","type":"snapshot","data":{"assets":[${assetList.join(',')}],"pairs":[${pairs.join(',')}]}}`);
  }
}

/** One pair of the instrument channel. */
function instrumentPair(x: KrakenPair): string {
  return `{"symbol":${JSON.stringify(x.symbol)},"base":"${x.baseIso}","quote":"${x.quoteIso}",` +
    `"status":"online","qty_precision":${x.lotDecimals},"qty_increment":${Number(`1e-${x.lotDecimals}`)},` +
    `"price_precision":${x.pairDecimals},"cost_precision":${x.costDecimals},"marginable":false,"has_index":true,` +
    `"cost_min":${x.costmin},"tick_size":${x.tickSize},"price_increment":${x.tickSize},"qty_min":${x.ordermin}}`;
}
