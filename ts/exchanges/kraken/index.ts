export { krakenAdapter, KrakenOptions } from './adapter';
export type { KrakenTier } from './private';
