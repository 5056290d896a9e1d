export { binance, BinanceOptions } from './binance';
