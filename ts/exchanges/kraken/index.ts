export { kraken, KrakenOptions } from './kraken';
