export { PriorityQueue, type Comparator } from './priority-queue.js';
export { IndexedPriorityQueue, type IndexedEntry } from './indexed-priority-queue.js';
