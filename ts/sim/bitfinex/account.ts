/**
 * The simulated Bitfinex account: authentication on `/ws/2` (`{"event":"auth",...}` with
 * authSig = hex HMAC-SHA384(secret, "AUTH" + nonce), nonces strictly increasing), the account
 * channel 0 (`ws` / `wu` wallets of the "exchange" wallet, `os` / `on` / `ou` / `oc` orders, `te` /
 * `tu` own trades, `n` notifications, heartbeats `[0,"hb"]`), order entry over that channel (`on`,
 * `ou` keeping the order id, `oc` by id or cid + cid_date, `oc_multi`), and the signed REST
 * endpoints (`bfx-nonce`, `bfx-apikey`, `bfx-signature` = HMAC-SHA384 of "/api/v2/" + path + nonce +
 * body): wallets, orders, order history, trade history, movements. protocols.md §6; Bitfinex docs
 * ws-auth-*, ws-input-order-*, rest-auth-*.
 *
 * Every notification goes out before the order events it causes (`n` on-req, then `on`), as
 * Bitfinex documents. Engine order ids are aliased so that an `ou` (a cancel-replace in the
 * engine) keeps the order's Bitfinex id.
 */
import { createHmac } from 'crypto';
import { EngineError, formatScaled, MatchingEngine, OrderSnapshot, OrderUpdate } from '../engine';
import type { Faults } from '../common/faults';
import type { BfxConn } from './ws';
import { amt, px } from './format';
import type { BfxPair } from './symbols';

export const BFX_USER = 'bfx-user';
const NATIVE: Record<string, string> = { USDT: 'UST', USDC: 'UDC' };
const native = (c: string): string => NATIVE[c] ?? c;

type Json = Record<string, unknown>;

const num = (text: string): number => Number(text);

export class BitfinexAccount {
  readonly apiKey: string;
  readonly secret: string;
  private lastNonce = 0;
  private lastRestNonce = 0;
  /** Authenticated connections. */
  readonly conns = new Set<BfxConn>();
  /** engine order id -> Bitfinex order id (the first engine id of an order, kept across `ou`). */
  private readonly bfxId = new Map<number, number>();
  private readonly engineId = new Map<number, number>();
  /** While an input is processed, the account frames it causes wait for its notification. */
  private held: string[] | undefined;
  readonly movements: unknown[][] = [];

  constructor(
    private readonly engine: MatchingEngine,
    private readonly pairs: readonly BfxPair[],
    private readonly faults: Faults,
    private readonly now: () => number,
    private readonly later: (ms: number, fn: () => void) => void,
    seed: number,
  ) {
    this.apiKey = `bfx-sim-key-${seed}`;
    this.secret = createHmac('sha256', 'bitfinex-sim').update(String(seed)).digest('hex');
    engine.addAccount(BFX_USER);
    engine.on('order', (u) => {
      if (u.order.account === BFX_USER) this.onOrder(u);
    });
    engine.on('balance', (b) => {
      if (b.account !== BFX_USER) return;
      for (const e of b.balances) this.push(`[0,"wu",${this.walletText(e.asset, e.free, e.locked)}]`);
    });
  }

  deposit(asset: string, amount: number | string): void {
    this.engine.deposit(BFX_USER, asset, amount);
    const t = this.now();
    this.movements.push([this.movements.length + 1, native(asset), asset, null, null, t, t, null, null, 'COMPLETED', null, null, Number(amount), 0, null, null, 'sim-address', null, null, null, `simtx${t}`, null]);
  }

  balances(): Record<string, { free: string; locked: string }> {
    const out: Record<string, { free: string; locked: string }> = {};
    for (const b of this.engine.balances(BFX_USER)) out[b.asset] = { free: formatScaled(b.free, 16, 8), locked: formatScaled(b.locked, 16, 8) };
    return out;
  }

  // ------------------------------------------------------------------ auth

  /** Answers an `auth` event; true when the connection is now authenticated. */
  auth(c: BfxConn, m: Json): boolean {
    const fail = (code: number, msg: string): boolean => {
      c.send(JSON.stringify({ event: 'auth', status: 'FAILED', chanId: 0, code, msg }));
      return false;
    };
    if (this.faults.loginsRejected) return fail(10100, 'apikey: invalid');
    const payload = m['authPayload'];
    // authNonce: "An ever increasing numeric string but should not exceed the MAX_SAFE_INTEGER"
    // (docs ws-auth); the docs' own example and the official clients send a number
    const raw = m['authNonce'];
    const nonce = typeof raw === 'number' ? raw : typeof raw === 'string' && /^\d+$/.test(raw) ? Number(raw) : NaN;
    if (m['apiKey'] !== this.apiKey) return fail(10100, 'apikey: invalid');
    // the payload is "AUTH" + nonce (docs, bitfinex-api-py); bitfinex-api-node signs "AUTH" + nonce + nonce
    if (typeof payload !== 'string' || !Number.isSafeInteger(nonce) || !payload.startsWith(`AUTH${nonce}`)) return fail(10100, 'apikey: digest invalid');
    const sig = createHmac('sha384', this.secret).update(payload).digest('hex');
    if (m['authSig'] !== sig) return fail(10100, 'apikey: digest invalid');
    if (nonce <= this.lastNonce) return fail(10114, 'nonce: small');
    this.lastNonce = nonce;
    this.conns.add(c);
    c.send(JSON.stringify({ event: 'auth', status: 'OK', chanId: 0, userId: 1, auth_id: 'sim-auth', caps: { orders: { read: 1, write: 1 }, wallets: { read: 1, write: 0 } } }));
    // the snapshots follow the ack a moment later, as on the wire (clients subscribe their
    // handlers once the ack is in); nothing else reaches the connection before them
    c.queued = [];
    this.later(10, () => {
      const queued = c.queued ?? [];
      c.queued = undefined;
      const wallets = this.engine.balances(BFX_USER).map((b) => this.walletText(b.asset, b.free, b.locked));
      const open = this.pairs.flatMap((p) => this.engine.openOrders(BFX_USER, p.id)).map((o) => this.orderText(o));
      c.send(`[0,"os",[${open.join(',')}]]`);
      c.send(`[0,"ws",[${wallets.join(',')}]]`);
      // what happened meanwhile follows the snapshots, in order
      for (const f of queued) c.send(f);
    });
    return true;
  }

  /** Checks a signed REST request's headers; the error text when it fails. */
  checkRest(path: string, headers: Record<string, string | string[] | undefined>, body: string): string | undefined {
    if (this.faults.loginsRejected) return 'apikey: invalid';
    const nonce = String(headers['bfx-nonce'] ?? '');
    if (headers['bfx-apikey'] !== this.apiKey) return 'apikey: invalid';
    const sig = createHmac('sha384', this.secret).update(`/api${path}${nonce}${body}`).digest('hex');
    if (headers['bfx-signature'] !== sig) return 'apikey: digest invalid';
    if (!/^\d+$/.test(nonce) || Number(nonce) <= this.lastRestNonce) return 'nonce: small';
    this.lastRestNonce = Number(nonce);
    return undefined;
  }

  // ------------------------------------------------------------------ order entry

  /** One account-channel input `[0, type, null, body]`. */
  input(c: BfxConn, type: string, body: Json): void {
    if (!this.conns.has(c)) return;
    this.held = [];
    let note: string;
    try {
      note = this.handle(type, body);
    } catch (err) {
      const text = err instanceof EngineError ? engineText(err, body) : (err as Error).message;
      note = this.notification(`${type}-req`, errorInfo(body, this.now()), 'ERROR', text);
      this.held = [];
    }
    const held = this.held;
    this.held = undefined;
    this.push(note);
    for (const f of held) this.push(f);
  }

  /** A REST write (`order/submit` -> on, ...): the notification array text, account frames after it. */
  restInput(type: string, body: Json): { ok: boolean; text: string } {
    this.held = [];
    let note: string;
    let ok = true;
    try {
      note = this.handle(type, body);
    } catch (err) {
      ok = false;
      const text = err instanceof EngineError ? engineText(err, body) : (err as Error).message;
      note = this.notification(`${type}-req`, errorInfo(body, this.now()), 'ERROR', text);
      this.held = [];
    }
    const held = this.held;
    this.held = undefined;
    for (const f of held) this.push(f);
    // the REST reply is the notification array itself
    return { ok, text: note.slice('[0,"n",'.length, -1) };
  }

  private handle(type: string, body: Json): string {
    switch (type) {
      case 'on': {
        const pair = this.pairs.find((p) => p.id === body['symbol']);
        if (!pair) throw new Error('symbol: invalid');
        const amount = Number(body['amount']);
        if (!Number.isFinite(amount) || amount === 0) throw new Error('amount: invalid');
        const t = String(body['type'] ?? '');
        const kind = t === 'EXCHANGE MARKET' ? 'MARKET' : t === 'EXCHANGE LIMIT' || t === 'EXCHANGE IOC' || t === 'EXCHANGE FOK' ? 'LIMIT' : undefined;
        if (!kind) throw new Error(`Invalid order: type ${t} not supported`);
        const flags = Number(body['flags'] ?? 0);
        const cid = body['cid'] === undefined ? String(this.now()) : String(body['cid']);
        const r = this.engine.placeOrder({
          account: BFX_USER,
          symbol: pair.id,
          side: amount > 0 ? 'BUY' : 'SELL',
          type: kind === 'LIMIT' && flags & 4096 ? 'LIMIT_MAKER' : kind,
          timeInForce: t === 'EXCHANGE IOC' ? 'IOC' : t === 'EXCHANGE FOK' ? 'FOK' : 'GTC',
          price: kind === 'LIMIT' ? String(body['price']) : undefined,
          quantity: String(Math.abs(amount)),
          clientOrderId: cid,
        });
        const side = amount > 0 ? 'buy' : 'sell';
        return this.notification('on-req', this.orderText(r.order, 'ACTIVE'), 'SUCCESS', `Submitting exchange ${kind.toLowerCase()} ${side} order for ${Math.abs(amount)} ${pair.base}.`);
      }
      case 'ou': {
        const id = Number(body['id']);
        const found = this.findOpen(id);
        if (!found) throw new Error('Order not found.');
        const changes: { price?: string; quantity?: string; clientOrderId?: string } = { clientOrderId: found.clientOrderId };
        if (body['price'] !== undefined) changes.price = String(body['price']);
        if (body['amount'] !== undefined) changes.quantity = String(Math.abs(Number(body['amount'])));
        this.pendingReplace = found.orderId;
        let r;
        try {
          r = this.engine.amendOrder(BFX_USER, found.symbol, { orderId: found.orderId }, changes);
        } finally {
          this.pendingReplace = undefined;
        }
        return this.notification('ou-req', this.orderText(r.placed.order), 'SUCCESS', 'Submitting update to exchange limit order.');
      }
      case 'oc': {
        let found: OrderSnapshot | undefined;
        if (body['id'] !== undefined) found = this.findOpen(Number(body['id']));
        else if (body['cid'] !== undefined) {
          const cid = String(body['cid']);
          const date = String(body['cid_date'] ?? '');
          found = this.openOrders().find((o) => o.clientOrderId === cid && new Date(o.time).toISOString().slice(0, 10) === date);
        }
        if (!found) throw new Error('Order not found.');
        const o = this.engine.cancelOrder(BFX_USER, found.symbol, { orderId: found.orderId });
        return this.notification('oc-req', this.orderText(o), 'SUCCESS', 'Submitted for cancellation; waiting for confirmation.');
      }
      case 'oc_multi': {
        const ids = Array.isArray(body['id']) ? (body['id'] as unknown[]).map(Number) : undefined;
        const targets = this.openOrders().filter((o) => body['all'] === 1 || (ids !== undefined && ids.includes(this.idOf(o.orderId))));
        const done = targets.map((o) => this.engine.cancelOrder(BFX_USER, o.symbol, { orderId: o.orderId }));
        return this.notification('oc_multi-req', `[${done.map((o) => this.orderText(o)).join(',')}]`, 'SUCCESS', `Submitted ${done.length} cancellations.`);
      }
      default:
        throw new Error(`unknown input ${type}`);
    }
  }

  private notification(type: string, info: string, status: string, text: string): string {
    return `[0,"n",[${this.now()},"${type}",null,null,${info},null,"${status}",${JSON.stringify(text)}]]`;
  }

  openOrders(): OrderSnapshot[] {
    return this.pairs.flatMap((p) => this.engine.openOrders(BFX_USER, p.id));
  }

  /**
   * Every order of the account, once per Bitfinex id: an order updated by `ou` (a cancel-replace in
   * the engine) is one order on Bitfinex — only its latest engine order is listed.
   */
  allOrders(symbol?: string): OrderSnapshot[] {
    return this.pairs
      .filter((p) => !symbol || p.id === symbol)
      .flatMap((p) => this.engine.allOrders(BFX_USER, p.id))
      .filter((o) => (this.engineId.get(this.idOf(o.orderId)) ?? o.orderId) === o.orderId);
  }

  private findOpen(bfxId: number): OrderSnapshot | undefined {
    const eid = this.engineId.get(bfxId) ?? bfxId;
    return this.openOrders().find((o) => o.orderId === eid);
  }

  private alias(engineOrderId: number, bfxId: number): void {
    this.bfxId.set(engineOrderId, bfxId);
    this.engineId.set(bfxId, engineOrderId);
  }

  idOf(engineOrderId: number): number {
    return this.bfxId.get(engineOrderId) ?? engineOrderId;
  }

  // ------------------------------------------------------------------ account events

  private push(text: string): void {
    if (this.held) {
      this.held.push(text);
      return;
    }
    for (const c of this.conns) {
      if (c.queued) c.queued.push(text);
      else c.send(text);
    }
  }

  private onOrder(u: OrderUpdate): void {
    const o = u.order;
    if (u.execType === 'TRADE' && u.fill) {
      const t = this.tradeText(o, u.fill);
      this.push(`[0,"te",${t}]`);
      this.push(`[0,"tu",${t}]`);
    }
    // an order replaced by `ou` keeps its id: the engine's cancel of the old order is not an `oc`,
    // and the new order takes the old one's id (an `ou`)
    const replacing = this.pendingReplace;
    if (replacing !== undefined && u.execType === 'CANCELED' && o.orderId === replacing) return;
    if (replacing !== undefined && u.execType === 'NEW') this.alias(o.orderId, this.idOf(replacing));
    const final = o.status === 'FILLED' || o.status === 'CANCELED' || o.status === 'EXPIRED' || o.status === 'REJECTED';
    const kind = u.execType === 'NEW' && replacing === undefined ? 'on' : final ? 'oc' : 'ou';
    this.push(`[0,"${kind}",${this.orderText(o)}]`);
  }

  /** The engine order an `ou` is replacing, while it does. */
  private pendingReplace: number | undefined;

  walletText(asset: string, free: bigint, locked: bigint): string {
    const total = formatScaled(free + locked, 16, 8);
    return `["exchange","${native(asset)}",${num(total)},0,${num(formatScaled(free, 16, 8))},null,null]`;
  }

  orderText(o: OrderSnapshot, statusOverride?: string): string {
    const info = this.engine.market(o.symbol);
    const sign = o.side === 'BUY' ? 1 : -1;
    const remaining = o.status === 'NEW' || o.status === 'PARTIALLY_FILLED' ? o.origQty - o.executedQty : 0;
    const avg = o.executedQty > 0 ? Number(o.cumQuote) / 1e16 / Number(info.formatQty(o.executedQty, info.stepDecimals)) : 0;
    const filled = num(amt(info, o.executedQty));
    const at = `@ ${avg}(${sign * filled})`;
    const status =
      statusOverride ??
      (o.status === 'NEW'
        ? 'ACTIVE'
        : o.status === 'PARTIALLY_FILLED'
          ? `PARTIALLY FILLED ${at}`
          : o.status === 'FILLED'
            ? `EXECUTED ${at}`
            : o.status === 'EXPIRED'
              ? `${o.timeInForce} CANCELED`
              : o.status === 'REJECTED'
                ? 'POSTONLY CANCELED'
                : o.executedQty > 0
                  ? `CANCELED was: PARTIALLY FILLED ${at}`
                  : 'CANCELED');
    const type = o.type === 'MARKET' ? 'EXCHANGE MARKET' : o.timeInForce === 'IOC' ? 'EXCHANGE IOC' : o.timeInForce === 'FOK' ? 'EXCHANGE FOK' : 'EXCHANGE LIMIT';
    const cidText = o.origClientOrderId ?? o.clientOrderId;
    const cid = /^\d+$/.test(cidText) ? Number(cidText) : null;
    const a = [
      this.idOf(o.orderId), null, cid, o.symbol, o.time, o.updateTime,
      sign * num(amt(info, remaining)), sign * num(amt(info, o.origQty)), type, null, null, null,
      o.type === 'LIMIT_MAKER' ? 4096 : 0, status, null, null,
      o.price > 0 ? num(px(info, o.price)) : 0, avg, 0, 0, null, null, null, 0, 0, null, null, null, 'API>BFX', null, null, {},
    ];
    return JSON.stringify(a);
  }

  tradeText(o: OrderSnapshot, f: { tradeId: number; price: number; qty: number; commission: bigint; commissionAsset: string; isMaker: boolean; time: number }): string {
    const info = this.engine.market(o.symbol);
    const sign = o.side === 'BUY' ? 1 : -1;
    const cidText = o.origClientOrderId ?? o.clientOrderId;
    const cid = /^\d+$/.test(cidText) ? Number(cidText) : null;
    const type = o.type === 'MARKET' ? 'EXCHANGE MARKET' : 'EXCHANGE LIMIT';
    return JSON.stringify([
      f.tradeId, o.symbol, f.time, this.idOf(o.orderId), sign * num(amt(info, f.qty)), num(px(info, f.price)), type,
      o.price > 0 ? num(px(info, o.price)) : 0, f.isMaker ? 1 : -1, -num(formatScaled(f.commission, 16, 8)), native(f.commissionAsset), cid,
    ]);
  }
}

/** The order array of a refused input, from what the request said (id, cid, symbol, amount, price). */
function errorInfo(body: Json, now: number): string {
  const n = (v: unknown): number | null => (v === undefined || v === null || !Number.isFinite(Number(v)) ? null : Number(v));
  const amount = n(body['amount']) ?? 0;
  return JSON.stringify([
    n(body['id']), null, n(body['cid']), typeof body['symbol'] === 'string' ? body['symbol'] : null, now, now, amount, amount,
    typeof body['type'] === 'string' ? body['type'] : null, null, null, null, 0, 'ERROR', null, null, n(body['price']) ?? 0, 0,
    0, 0, null, null, null, 0, 0, null, null, null, 'API>BFX', null, null, {},
  ]);
}

function engineText(e: EngineError, body: Json): string {
  switch (e.reason) {
    case 'INSUFFICIENT_BALANCE':
      return `Invalid order: not enough exchange balance for ${String(body['amount'])} ${String(body['symbol'])} at ${String(body['price'] ?? 'market')}`;
    case 'LOT_SIZE':
      return `Invalid order: minimum size for ${String(body['symbol'])} is not met`;
    case 'PRICE_FILTER':
    case 'BAD_PRECISION':
      return 'Invalid order: price invalid';
    case 'WOULD_TAKE':
      return 'Invalid order: post-only would take';
    case 'UNKNOWN_ORDER':
      return 'Order not found.';
    default:
      return `Invalid order: ${e.message}`;
  }
}
