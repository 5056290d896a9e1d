/**
 * OKX markets from `GET /api/v5/public/instruments?instType=SPOT` (protocols.md §3 "REST market
 * endpoints"). Checked against cryptofeed's capture OKX.0 (513 SPOT
 * instruments, e.g. `{"instId":"BTC-USDT","baseCcy":"BTC","quoteCcy":"USDT","tickSz":"0.1",
 * "lotSz":"0.00000001","minSz":"0.00001","state":"live",...}`). Spot only for now.
 */
import type { Market } from '../../core/types';

/** One instruments `data[]` element (only the fields we read). */
export interface Instrument {
  instType: string;
  instId: string;
  baseCcy: string;
  quoteCcy: string;
  tickSz: string;
  lotSz: string;
  minSz?: string;
  maxLmtSz?: string;
  /** live | suspend | preopen | test */
  state: string;
  instIdCode?: number;
}

function num(v: string | undefined): number | undefined {
  if (v === undefined || v === '') return undefined;
  const x = +v;
  return Number.isFinite(x) && x !== 0 ? x : undefined;
}

/** Instruments -> unified markets (`BTC-USDT` -> `BTC/USDT`). */
export function parseMarkets(list: Instrument[]): Market[] {
  const out: Market[] = [];
  for (const i of list ?? []) {
    if (!i || i.instType !== 'SPOT' || !i.baseCcy || !i.quoteCcy) continue;
    out.push({
      id: i.instId,
      symbol: `${i.baseCcy}/${i.quoteCcy}`,
      base: i.baseCcy,
      quote: i.quoteCcy,
      baseId: i.baseCcy,
      quoteId: i.quoteCcy,
      type: 'spot',
      spot: true,
      active: i.state === 'live',
      precision: { price: num(i.tickSz), amount: num(i.lotSz) },
      limits: {
        amount: { min: num(i.minSz), max: num(i.maxLmtSz) },
        price: { min: num(i.tickSz) },
        cost: {},
      },
      info: i,
    });
  }
  return out;
}
