export { bitfinexAdapter, BitfinexOptions, bitfinexBookRule } from './adapter';
