export {
  BloomFilter,
  type BloomFilterGeometry,
  type BloomFilterOptions,
  type BloomFilterSizing,
} from './bloom-filter.js';
export {
  TimeWindowedBloomFilter,
  type TimeWindowedBloomFilterOptions,
} from './time-windowed-bloom-filter.js';
export {
  blockedBloomFalsePositiveRate,
  blockedBloomSize,
  bloomFalsePositiveRate,
  optimalBloomSize,
  type BloomSize,
} from './bloom-math.js';
export type { BloomKey } from './hash.js';
