export { bitfinexAdapter, BitfinexOptions, bitfinexBookRule, bitfinexConnectGate } from './adapter';
