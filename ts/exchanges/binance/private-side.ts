/**
 * Wiring of Binance's private side: the authenticated session (WebSocket API + signed REST + clock),
 * the adapter over it, and the exchange-agnostic PrivateApi that the public methods call.
 */
import type { EventHub } from '../../base/events';
import { PrivateApi } from '../../base/trading';
import type { Market } from '../../core/types';
import { BinancePrivate } from './private';
import { BinanceSession, BinanceSessionContext } from './session';

export interface BinancePrivateSide {
  api: PrivateApi;
  adapter: BinancePrivate;
}

/** What the exchange object gives its private side. */
export interface PrivateSideOptions {
  session: BinanceSessionContext;
  exchange: {
    readonly id: string;
    readonly ws: boolean;
    readonly timeoutMs: number;
    marketsById: Record<string, Market> | undefined;
    market(symbol: string): Market;
    loadMarkets(): Promise<unknown>;
  };
  events: EventHub;
}

/** The session, the adapter and the generic PrivateApi over them. */
export function createPrivateSide(o: PrivateSideOptions): BinancePrivateSide {
  const ex = o.exchange;
  const adapter = new BinancePrivate({
    session: new BinanceSession(o.session),
    marketById: (id) => ex.marketsById?.[id],
    market: (symbol) => ex.market(symbol),
    error: (e) => o.events.error(e),
  });
  const api = new PrivateApi({
    exchange: ex.id,
    events: o.events,
    ws: ex.ws,
    timeoutMs: ex.timeoutMs,
    market: async (s) => {
      await ex.loadMarkets();
      return ex.market(s);
    },
    loadMarkets: () => ex.loadMarkets(),
    adapter,
  });
  return { api, adapter };
}

/** What the private side offers: streamed state, and orders over the WebSocket API unless turned off. */
export function privateHas(wsTrading: boolean): Record<string, 'ws' | 'rest'> {
  const trade = wsTrading ? 'ws' : 'rest';
  return {
    createOrder: trade,
    cancelOrder: trade,
    editOrder: trade,
    cancelAllOrders: trade,
    fetchBalance: 'ws',
    fetchBalances: 'ws',
    fetchOpenOrders: 'ws',
    fetchOrders: 'ws',
    fetchClosedOrders: 'ws',
    fetchMyTrades: 'ws',
    fetchOrder: 'rest',
    fetchTransactions: 'rest',
    fetchDeposits: 'rest',
    fetchWithdrawals: 'rest',
    watchBalance: 'ws',
    watchOrders: 'ws',
    watchMyTrades: 'ws',
  };
}
