/**
 * Seeded synthetic order flow. `init()` builds deep books (hundreds of levels a side around a mid
 * price); each `tick()` is one step of activity per market: usually a few changes near the top,
 * sometimes a burst, now and then deep changes, market orders that trade through levels, and a
 * drifting fair price. Deterministic for a given seed and sequence of engine calls; driven only by
 * whoever calls tick() (the server's timer, or a test).
 */
import { BookSide, Level } from './book';
import type { MatchingEngine } from './engine';
import { MarketInfo } from './market';
import { Order } from './order';
import { Prng } from './prng';
import { BookSideName, EngineError, Side } from './types';

export interface FlowMarket {
  symbol: string;
  /** Starting mid price. */
  mid: string | number;
  /** Typical resting order size in quote currency (default 2500). */
  orderNotional?: number;
}

export interface FlowOptions {
  seed?: number;
  /** Engine account of the synthetic traders (created unlimited if missing; default 'flow'). */
  account?: string;
  /** Target number of price levels per side (default 300). */
  levels?: number;
  /** Standard deviation of the fair price's relative move per drift step (default 0.00001). */
  volatility?: number;
}

interface MarketFlow {
  info: MarketInfo;
  bids: BookSide<Order>;
  asks: BookSide<Order>;
  /** Fair price in ticks (fractional). */
  fair: number;
  /** Mean order size in steps. */
  meanSteps: number;
}

const ACTIONS = ['addNear', 'cancelNear', 'modify', 'deepAdd', 'deepCancel', 'market', 'sweepLimit', 'drift'] as const;
const WEIGHTS = [40, 18, 10, 6, 6, 6, 3, 8];

export class OrderFlow {
  readonly rng: Prng;
  readonly account: string;
  private readonly levels: number;
  private readonly volatility: number;
  private readonly markets: MarketFlow[];
  private steps = 0;

  constructor(private readonly engine: MatchingEngine, markets: FlowMarket[], opts: FlowOptions = {}) {
    this.rng = new Prng(opts.seed ?? 1);
    this.account = opts.account ?? 'flow';
    this.levels = opts.levels ?? 300;
    this.volatility = opts.volatility ?? 0.00001;
    try {
      engine.account(this.account);
    } catch {
      engine.addAccount(this.account, { unlimited: true });
    }
    this.markets = markets.map((fm) => {
      const info = engine.market(fm.symbol);
      const fair = info.floorTicks(fm.mid);
      const notional = fm.orderNotional ?? 2500;
      const meanSteps = Math.max(info.minQtySteps, Math.round(notional / Number(fm.mid) / info.qtyNumber(1)));
      return { info, bids: engine.bookSide(fm.symbol, 'bid'), asks: engine.bookSide(fm.symbol, 'ask'), fair, meanSteps };
    });
  }

  /** Number of tick() calls so far. */
  get tickCount(): number {
    return this.steps;
  }

  /** Fills each side with `levels` price levels of 1-3 orders around the mid price. */
  init(): void {
    for (const mf of this.markets) {
      const spread = this.rng.int(1, 3);
      const bidTop = Math.max(1, Math.floor(mf.fair - spread / 2));
      const askTop = bidTop + spread;
      for (const side of ['BUY', 'SELL'] as Side[]) {
        let price = side === 'BUY' ? bidTop : askTop;
        for (let i = 0; i < this.levels && price > 0; i++) {
          const n = this.rng.int(1, 3);
          for (let k = 0; k < n; k++) this.limit(mf, side, price);
          const gap = this.rng.chance(0.85) ? 1 : this.rng.int(2, 4);
          price += side === 'BUY' ? -gap : gap;
        }
      }
    }
  }

  /** One step of activity on every market. */
  tick(): void {
    this.steps++;
    for (const mf of this.markets) {
      const count = this.rng.chance(0.06) ? this.rng.int(8, 30) : this.rng.int(1, 4);
      for (let i = 0; i < count; i++) this.act(mf, ACTIONS[this.rng.weighted(WEIGHTS)] as (typeof ACTIONS)[number]);
      this.maintain(mf, mf.bids, 'BUY');
      this.maintain(mf, mf.asks, 'SELL');
    }
  }

  private act(mf: MarketFlow, action: (typeof ACTIONS)[number]): void {
    const side: Side = this.rng.chance(0.5) ? 'BUY' : 'SELL';
    const own = side === 'BUY' ? mf.bids : mf.asks;
    switch (action) {
      case 'addNear':
        this.limit(mf, side, this.nearPrice(mf, side, this.rng.geometric(0.12, 60)));
        break;
      case 'cancelNear':
        this.cancelAt(mf, own, this.rng.geometric(0.3, 15));
        break;
      case 'modify':
        if (this.cancelAt(mf, own, this.rng.geometric(0.4, 8))) {
          this.limit(mf, side, this.nearPrice(mf, side, this.rng.geometric(0.4, 8)));
        }
        break;
      case 'deepAdd': {
        const best = own.best();
        const ref = best ? best.price : this.nearPrice(mf, side, 0);
        const off = this.rng.int(10, Math.max(11, this.levels));
        const price = side === 'BUY' ? ref - off : ref + off;
        if (price > 0) this.limit(mf, side, price);
        break;
      }
      case 'deepCancel':
        if (own.size > 10) this.cancelAt(mf, own, this.rng.int(10, own.size - 1));
        break;
      case 'market': {
        this.marketOrder(mf, side);
        // Liquidity providers refill the side that was just taken.
        const refill = side === 'BUY' ? 'SELL' : 'BUY';
        for (let i = this.rng.int(1, 4); i > 0; i--) this.limit(mf, refill, this.nearPrice(mf, refill, this.rng.geometric(0.3, 10)));
        break;
      }
      case 'sweepLimit': {
        const opp = side === 'BUY' ? mf.asks : mf.bids;
        const best = opp.best();
        if (!best) break;
        const through = this.rng.int(0, 3);
        const price = side === 'BUY' ? best.price + through : Math.max(1, best.price - through);
        this.place(mf, side, 'LIMIT', price, this.size(mf), 'IOC');
        break;
      }
      case 'drift': {
        const bid = mf.bids.best();
        const ask = mf.asks.best();
        if (bid && ask) mf.fair = 0.8 * mf.fair + 0.2 * ((bid.price + ask.price) / 2);
        mf.fair = Math.max(2, mf.fair * (1 + this.volatility * this.rng.normal()));
        break;
      }
    }
  }

  /** A price `offset` ticks behind the top of `side`, never crossing the other side. */
  private nearPrice(mf: MarketFlow, side: Side, offset: number): number {
    const opp = side === 'BUY' ? mf.asks.best() : mf.bids.best();
    if (side === 'BUY') {
      let top = Math.floor(mf.fair - 0.5);
      if (opp) top = Math.min(top, opp.price - 1);
      return Math.max(1, top - offset);
    }
    let top = Math.ceil(mf.fair + 0.5);
    if (opp) top = Math.max(top, opp.price + 1);
    return top + offset;
  }

  private size(mf: MarketFlow): number {
    const s = Math.round(mf.meanSteps * Math.exp(0.9 * this.rng.normal()));
    return Math.min(mf.info.maxQtySteps, Math.max(mf.info.minQtySteps, s));
  }

  private limit(mf: MarketFlow, side: Side, price: number): void {
    this.place(mf, side, 'LIMIT', price, this.size(mf), 'GTC');
  }

  private place(mf: MarketFlow, side: Side, type: 'LIMIT' | 'MARKET', price: number, steps: number, tif: 'GTC' | 'IOC'): void {
    const info = mf.info;
    try {
      this.engine.placeOrder({
        account: this.account,
        symbol: info.symbol,
        side,
        type,
        timeInForce: tif,
        price: type === 'LIMIT' ? info.formatPrice(price, info.tickDecimals) : undefined,
        quantity: info.formatQty(steps, info.stepDecimals),
      });
    } catch (err) {
      if (!(err instanceof EngineError)) throw err;
      // Filters (e.g. notional at extreme prices) can refuse a synthetic order: skip it.
    }
  }

  /** Cancels one synthetic order at the i-th best level of `side`; false if there was none. */
  private cancelAt(mf: MarketFlow, side: BookSide<Order>, index: number): boolean {
    const level: Level<Order> | undefined = side.levelAt(Math.min(index, side.size - 1));
    if (!level) return false;
    const mine = level.orders.filter((o) => o.account === this.account);
    if (mine.length === 0) return false;
    const order = this.rng.pick(mine);
    this.engine.cancelOrder(this.account, mf.info.symbol, { orderId: order.orderId });
    return true;
  }

  /** A market order that takes the top few levels (and part of the next one). */
  private marketOrder(mf: MarketFlow, side: Side): void {
    const opp = side === 'BUY' ? mf.asks : mf.bids;
    const through = this.rng.geometric(0.55, 4);
    let steps = 0;
    for (let i = 0; i < through; i++) steps += opp.levelAt(i)?.total ?? 0;
    const next = opp.levelAt(through);
    if (next) steps += this.rng.int(1, Math.max(1, Math.ceil(next.total * 0.8)));
    if (steps > 0) this.place(mf, side, 'MARKET', 0, Math.min(steps, mf.info.maxQtySteps), 'GTC');
  }

  /** Keeps each side near the target depth: refill the far end, or trim it. */
  private maintain(mf: MarketFlow, side: BookSide<Order>, s: Side): void {
    const name: BookSideName = side.name;
    if (side.size < this.levels * 0.9) {
      const worst = side.levelAt(side.size - 1);
      let price = worst ? worst.price : this.nearPrice(mf, s, 0);
      for (let i = 0; i < 5; i++) {
        price += name === 'bid' ? -this.rng.int(1, 2) : this.rng.int(1, 2);
        if (price <= 0) break;
        this.limit(mf, s, price);
      }
    } else if (side.size > this.levels * 1.15) {
      this.cancelAt(mf, side, side.size - 1);
    }
  }
}
