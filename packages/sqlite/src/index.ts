export { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer.js';
