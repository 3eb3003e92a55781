/** The version of the tables below; a database written by a newer Herald is refused. */
export const logSchemaVersion = 1;

/**
 * The embedded log's tables. Records are clustered by (topic, partition, offset) so a
 * consumer's read is one range scan; everything a group needs to survive a crash
 * (offsets, members, partition leases) lives beside them.
 */
export const logSchema = `
CREATE TABLE IF NOT EXISTS herald_log_meta (
  key TEXT PRIMARY KEY,
  value TEXT NOT NULL
);
CREATE TABLE IF NOT EXISTS herald_log_partitions (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  next_offset INTEGER NOT NULL,
  PRIMARY KEY (topic, partition)
) WITHOUT ROWID;
CREATE TABLE IF NOT EXISTS herald_log_records (
  topic TEXT NOT NULL,
  partition INTEGER NOT NULL,
  offset INTEGER NOT NULL,
  key TEXT,
  value BLOB NOT NULL,
  headers TEXT,
  timestamp INTEGER NOT NULL,
  PRIMARY KEY (topic, partition, offset)
) WITHOUT ROWID;
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
