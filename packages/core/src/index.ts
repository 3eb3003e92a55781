export { CoreError, type CoreErrorCode } from './core-error.js';
export {
  BloomFilter,
  TimeWindowedBloomFilter,
  blockedBloomFalsePositiveRate,
  blockedBloomSize,
  bloomFalsePositiveRate,
  optimalBloomSize,
  type BloomFilterGeometry,
  type BloomFilterOptions,
  type BloomFilterSizing,
  type BloomKey,
  type BloomSize,
  type TimeWindowedBloomFilterOptions,
} from './bloom/index.js';
export { IndexedPriorityQueue, PriorityQueue, type Comparator, type IndexedEntry } from './heap/index.js';
export {
  CustomerLatencyModel,
  Histogram,
  MmcQueue,
  RateMeter,
  SlidingWindowHistogram,
  erlangB,
  erlangC,
  littlesLaw,
  type CustomerLatencySnapshot,
  type HistogramOptions,
  type HistogramSnapshot,
  type LatencyLoad,
  type LittlesLaw,
  type MmcQueueOptions,
  type RateMeterOptions,
  type SlidingWindowHistogramOptions,
} from './latency/index.js';
