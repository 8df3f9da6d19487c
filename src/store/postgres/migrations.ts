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
];
