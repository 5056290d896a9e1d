// ESM entry of exstream/sim (see js/sim/index.js).
import cjs from '../js/sim/index.js';

export const { simulate } = cjs;
export default cjs;
