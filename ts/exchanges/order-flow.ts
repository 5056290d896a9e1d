/**
 * The order flow every private side shares (protocols.md "Order entry over WebSocket"): an
 * exchange supplies how to send an order over its WebSocket trading API and over REST, how to look
 * an order up by its client order id, its batch size and its error codes; these pieces route the
 * request, reconcile a lost or late reply without placing the order twice, cut and reconcile
 * batches, and build the entries of refused orders. Protocol knowledge only: no import of ts/base.
 */
import { BadRequest, BaseError, NetworkError, OrderNotFound, RequestTimeout } from '../core/errors';
import type { OrderParams, OrderRequest, RecoveryHint } from '../core/private-adapter';
import type { Market, Order, Trade } from '../core/types';
import { RpcNotSent, RpcReplyLost } from '../transport/ws-rpc';

/** Over the WebSocket trading API unless it is off or cannot take the request now (then REST). */
export async function wsOrRest<T>(wsTrading: boolean, ws: () => Promise<T>, rest: () => Promise<T>): Promise<T> {
  if (!wsTrading) return rest();
  try {
    return await ws();
  } catch (err) {
    if (err instanceof RpcNotSent) return rest();
    throw err;
  }
}

/** What a client order id may be on an exchange: its pattern, said in words for the error. */
export interface ClientIdRule {
  pattern: RegExp;
  says: string;
}

/**
 * The client order id an order goes with: the caller's `clientOrderId` (checked against the
 * exchange's rule: BadRequest otherwise), or a fresh one. Every order has one, so that a lost or
 * late reply can be reconciled by it.
 */
export function clientIdFor(params: OrderParams, exchange: string, symbol: string, fresh: () => string, rule?: ClientIdRule): string {
  const cid = params['clientOrderId'];
  if (cid === undefined || cid === null || cid === '') return fresh();
  if (typeof cid !== 'string' || (rule && !rule.pattern.test(cid))) {
    throw new BadRequest(`clientOrderId must be ${rule?.says ?? 'a string'} on ${exchange}, got ${JSON.stringify(cid)}`, { exchange, symbol });
  }
  return cid;
}

/** How one exchange places one order at most once. */
export interface PlaceOnce {
  exchange: string;
  symbol: string;
  clientOrderId: string;
  /** Sends the order (usually through {@link wsOrRest}). */
  send(): Promise<Order>;
  /** The order by its client order id, or undefined when the exchange says it has none. */
  lookup(): Promise<Order | undefined>;
  /** Sends it again over REST, with the same client order id. */
  resend(): Promise<Order>;
  /** More errors that mean "sent, reply lost" besides RpcReplyLost (an exchange's own). */
  lost?(err: unknown): boolean;
  /** More errors that mean "no reply in time" besides RequestTimeout (a gateway's 5xx). */
  timedOut?(err: unknown): boolean;
  /**
   * The exchange refuses a second order with this client order id (Bybit orderLinkId, Coinbase
   * client_order_id): after a timeout one not found is sent again instead of reported.
   */
  dedupes?: boolean;
}

/** An order sent once: a lost or late reply is reconciled by the client order id (see the file head). */
export async function placeOnce(p: PlaceOnce): Promise<Order> {
  try {
    return await p.send();
  } catch (err) {
    const lost = err instanceof RpcReplyLost || p.lost?.(err) === true;
    const late = !lost && (err instanceof RequestTimeout || p.timedOut?.(err) === true);
    if (!lost && !late) throw err;
    let found: Order | undefined;
    try {
      found = await p.lookup();
    } catch (e) {
      if (lost || p.dedupes) throw e;
      throw new RequestTimeout(
        `order ${p.clientOrderId} got no reply in time and could not be looked up (${(e as Error).message}): look it up by its client order id`,
        { exchange: p.exchange, symbol: p.symbol, clientOrderId: p.clientOrderId, cause: err },
      );
    }
    if (found) return found;
    if (lost || p.dedupes) return p.resend();
    throw new RequestTimeout(`order ${p.clientOrderId} got no reply in time and the exchange does not have it: not placed`, {
      exchange: p.exchange,
      symbol: p.symbol,
      clientOrderId: p.clientOrderId,
      cause: err,
    });
  }
}

/** The market a call cannot go without on this exchange: BadRequest naming the call otherwise. */
export function needSymbol(market: Market | undefined, what: string, exchange: string): Market {
  if (!market) throw new BadRequest(`${what} needs a symbol on ${exchange}`, { exchange });
  return market;
}

/** A lookup whose OrderNotFound means "not there". */
export async function orNone(found: Promise<Order>): Promise<Order | undefined> {
  try {
    return await found;
  } catch (err) {
    if (err instanceof OrderNotFound) return undefined;
    throw err;
  }
}

/**
 * A batch whose reply was lost with the connection: each order looked up by its client order id;
 * those not there go again in one request (`resend` gets them in order and answers one entry each).
 * The answer keeps the batch's order.
 */
export async function placeBatchOnce<R>(items: R[], lookup: (item: R) => Promise<Order | undefined>, resend: (missing: R[]) => Promise<Order[]>): Promise<Order[]> {
  const found = await Promise.all(items.map(lookup));
  const missing = items.filter((_, i) => found[i] === undefined);
  const again = missing.length > 0 ? await resend(missing) : [];
  let k = 0;
  return found.map((o) => o ?? (again[k++] as Order));
}

/**
 * A batch op that went out in several requests failed at a later one: the error carries what the
 * earlier requests did (`done`), so the caller knows which orders are live and never sends them
 * again. Returns the error to throw.
 */
export function partWay(err: unknown, done: readonly (Order | undefined)[]): unknown {
  const list = done.filter((o): o is Order => o !== undefined);
  if (err instanceof BaseError && list.length > 0) err.done = list;
  return err;
}

/** A list cut into the exchange's batch size. */
export function inChunks<T>(list: readonly T[], size: number): T[][] {
  const out: T[][] = [];
  for (let i = 0; i < list.length; i += size) out.push(list.slice(i, i + size));
  return out;
}

/** What a refused entry knows of the order: what was asked (createOrders) or only the market (cancelOrders). */
export type Asked = Pick<OrderRequest, 'market' | 'type' | 'amount' | 'price'> & { side?: 'buy' | 'sell' };

/** A batch entry the exchange refused: status 'rejected' and the mapped error; the rest of the batch stands. */
export function refusedOrder(asked: Asked | Market, id: string, clientOrderId: string | undefined, error: Error, info: unknown, remaining?: number): Order {
  const a: Asked = 'market' in asked ? asked : { market: asked, type: 'limit', side: 'buy', amount: 0, price: undefined };
  const o: Order = {
    id,
    symbol: a.market.symbol,
    timestamp: undefined,
    datetime: undefined,
    type: a.type,
    // a refused cancel says nothing of the order's side
    side: a.side as 'buy' | 'sell',
    price: a.price,
    amount: a.amount,
    filled: 0,
    remaining: remaining ?? a.amount,
    cost: 0,
    status: 'rejected',
    info,
    error,
  };
  if (clientOrderId !== undefined) o.clientOrderId = clientOrderId;
  return o;
}

/** An error the exchange answered about the order itself (not the connection's): a rejected entry, not a failed call. */
export function isOrderError(err: unknown): err is BaseError {
  return err instanceof BaseError && !(err instanceof NetworkError);
}

/**
 * The re-sync of an exchange whose order and trade history is read per symbol: the orders open
 * now, and the recent orders and own trades (`history`) of every symbol the state knows or has
 * open orders in; trades by time.
 */
export async function recoverBySymbol(hint: RecoveryHint, open: Order[], history: (symbol: string) => Promise<[Order[], Trade[]]>): Promise<{ orders: Order[]; trades: Trade[] }> {
  const symbols = new Set([...hint.symbols, ...hint.openOrders.map((o) => o.symbol), ...open.map((o) => o.symbol)]);
  const orders = open.slice();
  const trades: Trade[] = [];
  for (const [os, ts] of await Promise.all([...symbols].map(history))) {
    orders.push(...os);
    trades.push(...ts);
  }
  trades.sort((a, b) => (a.timestamp ?? 0) - (b.timestamp ?? 0));
  return { orders, trades };
}

/** Each order cancelled one by one; one done meanwhile (OrderNotFound) is left out. */
export async function cancelEach(open: readonly Order[], cancel: (o: Order) => Promise<Order>): Promise<Order[]> {
  const out: Order[] = [];
  for (const o of open) {
    try {
      out.push(await cancel(o));
    } catch (err) {
      if (!(err instanceof OrderNotFound)) throw err;
    }
  }
  return out;
}

interface Waiter<R> {
  from: number;
  pred: (r: R) => boolean;
  resolve: (r: R | undefined) => void;
  timer: ReturnType<typeof setTimeout>;
}

/**
 * The order records a private stream pushed, per order id, kept briefly so a request's reply can
 * find the push that came before it, or wait for the next one. Records are counted per order: a
 * wait `from` index n takes only the n-th record on.
 */
export class OrderRecords<R> {
  private readonly records = new Map<string, R[]>();
  private readonly counts = new Map<string, number>();
  private readonly waiters = new Map<string, Waiter<R>[]>();

  /** `orders` ids remembered (the oldest forgotten first), `perOrder` records each. */
  constructor(
    private readonly orders: number,
    private readonly perOrder: number,
  ) {}

  /** How many records of an order were seen so far. */
  seen(id: string): number {
    return this.counts.get(id) ?? 0;
  }

  /** The newest record of an order. */
  latest(id: string): R | undefined {
    const list = this.records.get(id);
    return list?.[list.length - 1];
  }

  /** A new record of `id`: kept, and handed to the waits it satisfies. */
  add(id: string, r: R): void {
    let list = this.records.get(id);
    if (!list) {
      this.records.set(id, (list = []));
      if (this.records.size > this.orders) {
        const oldest = this.records.keys().next().value as string;
        this.records.delete(oldest);
        this.counts.delete(oldest);
      }
    }
    list.push(r);
    if (list.length > this.perOrder) list.shift();
    const index = this.seen(id);
    this.counts.set(id, index + 1);
    const ws = this.waiters.get(id);
    if (!ws) return;
    for (const w of ws.slice()) {
      if (index < w.from || !w.pred(r)) continue;
      clearTimeout(w.timer);
      ws.splice(ws.indexOf(w), 1);
      w.resolve(r);
    }
    if (ws.length === 0) this.waiters.delete(id);
  }

  /** A record of `id` (index `from` on) satisfying `pred`, seen already or within `timeoutMs` (`wait` false: seen only). */
  async after(id: string, from: number, pred: (r: R) => boolean, timeoutMs: number, wait: boolean): Promise<R | undefined> {
    const list = this.records.get(id) ?? [];
    const base = this.seen(id) - list.length;
    for (let i = list.length - 1; i >= 0; i--) if (i + base >= from && pred(list[i] as R)) return list[i];
    if (!wait) return undefined;
    return new Promise<R | undefined>((resolve) => {
      const w: Waiter<R> = {
        from,
        pred,
        resolve,
        timer: setTimeout(() => {
          const ws = this.waiters.get(id);
          if (ws) ws.splice(ws.indexOf(w), 1);
          resolve(undefined);
        }, timeoutMs),
      };
      let ws = this.waiters.get(id);
      if (!ws) this.waiters.set(id, (ws = []));
      ws.push(w);
    });
  }

  /** Drops every wait (on close). */
  clear(): void {
    for (const ws of this.waiters.values()) for (const w of ws) clearTimeout(w.timer);
    this.waiters.clear();
  }
}
