/**
 * The version of the tables below; a database written by a newer Herald is refused. Version 1
 * kept a row per record (`herald_log_records`) and is migrated when opened (migrate-log-v1.ts).
 */
export const logSchemaVersion = 2;

/** Created first, so the version can be read before anything else is touched. */
export const logMetaSchema = `
CREATE TABLE IF NOT EXISTS herald_log_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
`;

/**
 * The embedded log's tables. Records are stored in batches, a row per run of consecutive
 * records of one partition (see record-batch.ts), keyed by their last offset, so a
 * consumer's read from any offset is one range scan; everything a group needs to survive a
 * crash (offsets, members, partition leases) lives beside them. The batches table keeps its
 * rowid: its rows are kilobytes, and SQLite keeps large rows better out of the key's B-tree.
 */
export const logSchema = `
CREATE TABLE IF NOT EXISTS herald_log_partitions (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS herald_log_batches (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  last_offset INTEGER NOT NULL,
  base_offset INTEGER NOT NULL,
  max_timestamp INTEGER NOT NULL,
  records BLOB NOT NULL,
  UNIQUE (topic, partition, last_offset)
);
CREATE TABLE IF NOT EXISTS herald_log_offsets (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  committed_at INTEGER NOT NULL,
  PRIMARY KEY (topic, partition, consumer_group)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS herald_log_members (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  member TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, member)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS herald_log_leases (
  consumer_group TEXT NOT NULL,
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  owner TEXT NOT NULL,
  lease_until INTEGER NOT NULL,
  PRIMARY KEY (consumer_group, topic, partition)
) WITHOUT ROWID;
`;
