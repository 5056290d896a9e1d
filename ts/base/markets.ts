/**
 * The markets of one exchange: loaded once from REST (concurrent callers share the request; a failed
 * load is retried by the next caller) and looked up by unified symbol or exchange id.
 */
import { BadRequest, BadSymbol, BaseError } from '../core/errors';
import type { Market } from '../core/types';

export class MarketStore {
  /** Loaded markets by unified symbol (after load). */
  bySymbol: Record<string, Market> | undefined;
  /** Loaded markets by exchange id. */
  byId: Record<string, Market> | undefined;
  private pending: Promise<Record<string, Market>> | undefined;

  constructor(
    private readonly exchange: string,
    private readonly fetch: () => Promise<Market[]>,
  ) {}

  /** Loads (once, or again with `reload`) and returns the markets keyed by unified symbol. */
  load(reload = false): Promise<Record<string, Market>> {
    if (!this.pending || reload) {
      this.pending = this.fetch().then(
        (list) => {
          // no prototype: a symbol named 'constructor' or 'toString' is simply unknown
          const bySymbol: Record<string, Market> = Object.create(null) as Record<string, Market>;
          const byId: Record<string, Market> = Object.create(null) as Record<string, Market>;
          for (const m of list) {
            bySymbol[m.symbol] = m;
            byId[m.id] = m;
          }
          this.bySymbol = bySymbol;
          this.byId = byId;
          return bySymbol;
        },
        (err: unknown) => {
          this.pending = undefined;
          throw err;
        },
      );
    }
    return this.pending;
  }

  /**
   * Replaces a loaded market with `update(market)` when that returns one (the exchange announced
   * new reference data on a stream). The old object is not touched: results handed out earlier
   * keep what they said. Unknown symbols, and calls before the markets are loaded, are ignored.
   */
  update(symbol: string, update: (market: Market) => Market | undefined): void {
    const old = this.bySymbol?.[symbol];
    if (!old || !this.byId) return;
    const next = update(old);
    if (!next || next === old) return;
    this.bySymbol![symbol] = next;
    if (this.byId[old.id] === old) delete this.byId[old.id];
    this.byId[next.id] = next;
  }

  /** The market of a unified symbol; BadSymbol if unknown (markets must be loaded). */
  get(symbol: string): Market {
    if (typeof symbol !== 'string' || symbol === '') {
      throw new BadRequest(`symbol must be a non-empty string like 'BTC/USDT', got ${JSON.stringify(symbol)}`, {
        exchange: this.exchange,
      });
    }
    if (!this.bySymbol) throw new BaseError('markets not loaded: call loadMarkets() first', { exchange: this.exchange });
    const m = this.bySymbol[symbol];
    if (!m) throw new BadSymbol(`unknown symbol ${symbol}`, { exchange: this.exchange, symbol });
    return m;
  }

  /** Throws BadSymbol at once when the markets are loaded and do not know `symbol`. */
  checkIfLoaded(symbol: string): void {
    if (this.bySymbol) this.get(symbol);
  }

  /** Loads markets if needed, then returns the market of `symbol`. */
  async of(symbol: string): Promise<Market> {
    await this.load();
    return this.get(symbol);
  }
}
