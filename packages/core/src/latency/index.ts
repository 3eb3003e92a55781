export { Histogram, type HistogramOptions, type HistogramSnapshot } from './histogram.js';
export { SlidingWindowHistogram, type SlidingWindowHistogramOptions } from './sliding-window-histogram.js';
export { RateMeter, type RateMeterOptions } from './rate-meter.js';
export { erlangB, erlangC } from './erlang-c.js';
export { MmcQueue, type MmcQueueOptions } from './mmc-queue.js';
export { littlesLaw, type LittlesLaw } from './littles-law.js';
export {
  CustomerLatencyModel,
  type CustomerLatencySnapshot,
  type LatencyLoad,
} from './customer-latency-model.js';
export { createEpochClock, epochClock, type EpochClockSources } from './epoch-clock.js';
