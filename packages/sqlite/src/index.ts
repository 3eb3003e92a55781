export { WalCheckpointer } from './wal-checkpointer.js';
