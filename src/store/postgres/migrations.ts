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
];
