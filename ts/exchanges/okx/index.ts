export { okx, OkxOptions } from './okx';
