export { coinbaseAdapter, CoinbaseOptions } from './adapter';
