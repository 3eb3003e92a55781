export { enableWal } from './enable-wal.js';
export { WalCheckpointer, type WalCheckpointerOptions } from './wal-checkpointer.js';
export { makeParentDirectory } from './make-parent-directory.js';
