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
];
