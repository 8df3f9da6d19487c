// Versioned schema for the SQLite backend. Append new steps; never edit an applied one.
export const sqliteMigrations: string[] = [
  `CREATE TABLE resources (
     kind TEXT NOT NULL,
     scope TEXT NOT NULL,
     name TEXT NOT NULL,
     arn TEXT NOT NULL,
     uid TEXT NOT NULL,
     version INTEGER NOT NULL,
     status TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     updated_at INTEGER NOT NULL,
     spec TEXT NOT NULL,
     tags TEXT NOT NULL,
     client_token TEXT,
     revision INTEGER NOT NULL,
     PRIMARY KEY (kind, scope, name)
   ) WITHOUT ROWID;
   CREATE UNIQUE INDEX resources_arn ON resources (arn);
   CREATE TABLE changes (
     revision INTEGER PRIMARY KEY AUTOINCREMENT,
     op TEXT NOT NULL,
     kind TEXT NOT NULL,
     scope TEXT NOT NULL,
     name TEXT NOT NULL
   );`,
  // 2: leases for singleton jobs.
  `CREATE TABLE leases (
     name TEXT PRIMARY KEY,
     holder TEXT NOT NULL,
     expires_at INTEGER NOT NULL
   ) WITHOUT ROWID;`,
  // 3: per-(kind, scope) row counts kept by triggers, so quota checks cost the same at any size.
  `CREATE TABLE resource_counts (
     kind TEXT NOT NULL,
     scope TEXT NOT NULL,
     n INTEGER NOT NULL,
     PRIMARY KEY (kind, scope)
   ) WITHOUT ROWID;
   INSERT INTO resource_counts (kind, scope, n) SELECT kind, scope, count(*) FROM resources GROUP BY kind, scope;
   CREATE TRIGGER resource_counts_insert AFTER INSERT ON resources BEGIN
     INSERT INTO resource_counts (kind, scope, n) VALUES (NEW.kind, NEW.scope, 1)
       ON CONFLICT (kind, scope) DO UPDATE SET n = n + 1;
   END;
   CREATE TRIGGER resource_counts_delete AFTER DELETE ON resources BEGIN
     UPDATE resource_counts SET n = n - 1 WHERE kind = OLD.kind AND scope = OLD.scope;
   END;`,
  // 4: CloudWatch Logs — groups, streams and the append-only event table.
  `CREATE TABLE log_groups (
     id INTEGER PRIMARY KEY,
     name TEXT NOT NULL UNIQUE,
     created_at INTEGER NOT NULL,
     retention_days INTEGER,
     class TEXT NOT NULL,
     kms_key_id TEXT,
     deletion_protection INTEGER NOT NULL,
     tags TEXT NOT NULL
   );
   CREATE TABLE log_streams (
     id INTEGER PRIMARY KEY,
     group_id INTEGER NOT NULL,
     name TEXT NOT NULL,
     created_at INTEGER NOT NULL,
     first_ts INTEGER,
     last_ts INTEGER,
     last_ingestion INTEGER,
     stored_bytes INTEGER NOT NULL DEFAULT 0,
     UNIQUE (group_id, name)
   );
   CREATE INDEX log_streams_last_event ON log_streams (group_id, last_ts, name);
   -- Clustered by (group, time): a group's events in time order are one range of the table; ids come from the writer.
   CREATE TABLE log_events (
     group_id INTEGER NOT NULL,
     ts INTEGER NOT NULL,
     id INTEGER NOT NULL,
     stream_id INTEGER NOT NULL,
     ingestion INTEGER NOT NULL,
     message TEXT NOT NULL,
     PRIMARY KEY (group_id, ts, id)
   ) WITHOUT ROWID;
   CREATE INDEX log_events_stream_time ON log_events (stream_id, ts, id);`,
];
