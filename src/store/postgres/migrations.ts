// Versioned schema for the PostgreSQL backend. Append new steps; never edit an applied one.
// Text columns that are compared or ordered use COLLATE "C", so ordering is by bytes,
// exactly as in SQLite, whatever the database's default collation is.
export const postgresMigrations: string[] = [
  `CREATE TABLE resources (
     kind text COLLATE "C" NOT NULL,
     scope text COLLATE "C" NOT NULL,
     name text COLLATE "C" NOT NULL,
     arn text COLLATE "C" NOT NULL,
     uid text NOT NULL,
     version integer NOT NULL,
     status text NOT NULL,
     created_at bigint NOT NULL,
     updated_at bigint NOT NULL,
     spec text NOT NULL,
     tags text NOT NULL,
     client_token text,
     revision bigint NOT NULL,
     PRIMARY KEY (kind, scope, name)
   );
   CREATE UNIQUE INDEX resources_arn ON resources (arn);
   CREATE TABLE changes (
     revision bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     op text NOT NULL CHECK (op IN ('put', 'delete')),
     kind text COLLATE "C" NOT NULL,
     scope text COLLATE "C" NOT NULL,
     name text COLLATE "C" NOT NULL
   );
   CREATE TABLE leases (
     name text COLLATE "C" PRIMARY KEY,
     holder text NOT NULL,
     expires_at timestamptz NOT NULL
   );`,
  // 2: per-(kind, scope) row counts kept by a trigger, so quota checks cost the same at any size.
  `CREATE TABLE resource_counts (
     kind text COLLATE "C" NOT NULL,
     scope text COLLATE "C" NOT NULL,
     n bigint NOT NULL,
     PRIMARY KEY (kind, scope)
   );
   INSERT INTO resource_counts (kind, scope, n) SELECT kind, scope, count(*) FROM resources GROUP BY kind, scope;
   CREATE FUNCTION resource_counts_track() RETURNS trigger LANGUAGE plpgsql AS $$
   BEGIN
     IF TG_OP = 'INSERT' THEN
       INSERT INTO resource_counts (kind, scope, n) VALUES (NEW.kind, NEW.scope, 1)
         ON CONFLICT (kind, scope) DO UPDATE SET n = resource_counts.n + 1;
     ELSE
       UPDATE resource_counts SET n = n - 1 WHERE kind = OLD.kind AND scope = OLD.scope;
     END IF;
     RETURN NULL;
   END $$;
   CREATE TRIGGER resource_counts_track AFTER INSERT OR DELETE ON resources
     FOR EACH ROW EXECUTE FUNCTION resource_counts_track();`,
  // 3: CloudWatch Logs — groups, streams and the append-only event table.
  `CREATE TABLE log_groups (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     name text COLLATE "C" NOT NULL UNIQUE,
     created_at bigint NOT NULL,
     retention_days integer,
     class text NOT NULL,
     kms_key_id text,
     deletion_protection boolean NOT NULL,
     tags text NOT NULL
   );
   CREATE TABLE log_streams (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     group_id bigint NOT NULL REFERENCES log_groups (id) ON DELETE CASCADE,
     name text COLLATE "C" NOT NULL,
     created_at bigint NOT NULL,
     first_ts bigint,
     last_ts bigint,
     last_ingestion bigint,
     stored_bytes bigint NOT NULL DEFAULT 0,
     UNIQUE (group_id, name)
   );
   CREATE INDEX log_streams_last_event ON log_streams (group_id, last_ts, name);
   CREATE TABLE log_events (
     id bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
     group_id bigint NOT NULL,
     stream_id bigint NOT NULL,
     ts bigint NOT NULL,
     ingestion bigint NOT NULL,
     message text NOT NULL
   );
   CREATE INDEX log_events_group_time ON log_events (group_id, ts, id);
   CREATE INDEX log_events_stream_time ON log_events (stream_id, ts, id);`,
];
