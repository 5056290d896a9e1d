export { binanceAdapter, BinanceOptions } from './adapter';
