export { krakenAdapter, KrakenOptions } from './adapter';
