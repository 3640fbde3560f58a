/**
 * SQLite schema of a project file (*.nlproj) and its migrations.
 * Version n is reached by running migrations[0..n-1] in order, each in one
 * transaction, and recording `PRAGMA user_version = n`.
 */
export const SCHEMA_VERSION = 5;

/** Application id written to the SQLite header, so a project is recognised as ours ("NLPJ"). */
export const APPLICATION_ID = 0x4e4c504a;

export const MIGRATIONS: readonly string[] = [
  /* 1 */ `
  CREATE TABLE meta (
    key   TEXT PRIMARY KEY,
    value TEXT NOT NULL
  );
  CREATE TABLE folders (
    id       INTEGER PRIMARY KEY,
    path     TEXT NOT NULL UNIQUE,
    added_at TEXT NOT NULL
  );
  CREATE TABLE images (
    id            INTEGER PRIMARY KEY,
    folder_id     INTEGER NOT NULL REFERENCES folders(id),
    rel_path      TEXT NOT NULL,
    abs_path      TEXT NOT NULL UNIQUE,
    sha256        TEXT,
    size_bytes    INTEGER,
    width         INTEGER,
    height        INTEGER,
    status        TEXT NOT NULL CHECK (status IN ('ready', 'unreadable', 'missing')),
    error         TEXT,
    duplicate_of  INTEGER REFERENCES images(id),
    in_test_split INTEGER NOT NULL DEFAULT 0,
    model_input   BLOB,
    imported_at   TEXT NOT NULL
  );
  CREATE INDEX images_sha256 ON images(sha256);
  CREATE TABLE models (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('autoencoder', 'orientation')),
    created_at TEXT NOT NULL,
    backend    TEXT,
    params     TEXT NOT NULL,
    topology   TEXT,
    weights    BLOB,
    metrics    TEXT
  );
  CREATE TABLE embedding_sets (
    id         INTEGER PRIMARY KEY,
    model_id   INTEGER REFERENCES models(id),
    source     TEXT NOT NULL,
    dim        INTEGER NOT NULL,
    backend    TEXT,
    loss       REAL,
    created_at TEXT NOT NULL,
    active     INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE embeddings (
    set_id   INTEGER NOT NULL REFERENCES embedding_sets(id) ON DELETE CASCADE,
    image_id INTEGER NOT NULL REFERENCES images(id),
    vector   BLOB NOT NULL,
    pca_x    REAL,
    pca_y    REAL,
    PRIMARY KEY (set_id, image_id)
  );
  CREATE TABLE labels (
    id           INTEGER PRIMARY KEY,
    image_id     INTEGER NOT NULL REFERENCES images(id),
    angle_deg    REAL,
    no_orientation INTEGER NOT NULL DEFAULT 0,
    annotator    TEXT NOT NULL,
    created_at   TEXT NOT NULL,
    duration_ms  INTEGER,
    arm          TEXT NOT NULL DEFAULT 'none',
    source       TEXT NOT NULL DEFAULT 'annotator',
    undone_at    TEXT,
    CHECK ((angle_deg IS NULL) = (no_orientation = 1))
  );
  CREATE INDEX labels_image ON labels(image_id, undone_at);
  CREATE TABLE skips (
    image_id   INTEGER PRIMARY KEY REFERENCES images(id),
    skipped_at TEXT NOT NULL
  );
  CREATE TABLE orders (
    id               INTEGER PRIMARY KEY,
    strategy         TEXT NOT NULL,
    seed             INTEGER NOT NULL,
    embedding_set_id INTEGER REFERENCES embedding_sets(id),
    params           TEXT NOT NULL DEFAULT '{}',
    created_at       TEXT NOT NULL,
    active           INTEGER NOT NULL DEFAULT 0
  );
  CREATE TABLE order_entries (
    order_id        INTEGER NOT NULL REFERENCES orders(id) ON DELETE CASCADE,
    rank            INTEGER NOT NULL,
    image_id        INTEGER NOT NULL REFERENCES images(id),
    coverage_radius REAL,
    arm             TEXT NOT NULL DEFAULT 'novelty',
    PRIMARY KEY (order_id, rank)
  );
  CREATE TABLE curve_points (
    id         INTEGER PRIMARY KEY,
    run_id     TEXT NOT NULL,
    source     TEXT NOT NULL CHECK (source IN ('live', 'compare')),
    strategy   TEXT NOT NULL,
    seed       INTEGER NOT NULL,
    size       INTEGER NOT NULL,
    mae_deg    REAL NOT NULL,
    median_deg REAL NOT NULL,
    within10   REAL NOT NULL,
    test_size  INTEGER NOT NULL,
    created_at TEXT NOT NULL
  );
  CREATE VIEW current_labels AS
    SELECT l.* FROM labels l
    WHERE l.undone_at IS NULL
      AND l.id = (SELECT MAX(id) FROM labels l2 WHERE l2.image_id = l.image_id AND l2.undone_at IS NULL);
  `,
  /* 2: indexes for the labeling loop at 100k images (bench/large-project.ts):
   * the queue's image state and the project counts read a small covering
   * index instead of the images table (its rows carry the model-input blob);
   * a queue entry is found by image (arm of a label, skipped entries, the
   * entries of labeled or excluded images). */ `
  CREATE INDEX images_state ON images(status, duplicate_of, in_test_split);
  CREATE INDEX order_entries_image ON order_entries(image_id);
  `,
  /* 3: which orientation model measured a curve point ('exemplar' | 'regressor');
   * NULL on points written before version 3, when the regressor was the only model. */ `
  ALTER TABLE curve_points ADD COLUMN model TEXT;
  `,
  /* 4: one version for several additions, so that no two of them race for a number:
   * - models.kind gains 'contrastive' (the contrastive embedder; SQLite cannot alter a
   *   CHECK, so the table is rebuilt with every id; the store migrates with foreign keys
   *   off and checks every reference before it commits);
   * - folders.role: 'pool' (queued) or 'test' (a folder imported as the test split);
   * - images.mtime_ms: the file's modification time when its content was hashed, so a
   *   file replaced under the same name is noticed before its old label is exported;
   * - curve_points: a 95 % interval of the mean error (ci_low, ci_high), the chance
   *   level it is read against, and a JSON column for further per-point figures. */ `
  CREATE TABLE models_v4 (
    id         INTEGER PRIMARY KEY,
    kind       TEXT NOT NULL CHECK (kind IN ('autoencoder', 'contrastive', 'orientation')),
    created_at TEXT NOT NULL,
    backend    TEXT,
    params     TEXT NOT NULL,
    topology   TEXT,
    weights    BLOB,
    metrics    TEXT
  );
  INSERT INTO models_v4 (id, kind, created_at, backend, params, topology, weights, metrics)
    SELECT id, kind, created_at, backend, params, topology, weights, metrics FROM models;
  DROP TABLE models;
  ALTER TABLE models_v4 RENAME TO models;
  ALTER TABLE folders ADD COLUMN role TEXT NOT NULL DEFAULT 'pool' CHECK (role IN ('pool', 'test'));
  ALTER TABLE images ADD COLUMN mtime_ms REAL;
  ALTER TABLE curve_points ADD COLUMN ci_low REAL;
  ALTER TABLE curve_points ADD COLUMN ci_high REAL;
  ALTER TABLE curve_points ADD COLUMN chance_deg REAL;
  ALTER TABLE curve_points ADD COLUMN extra TEXT;
  `,
  /* 5: the provisional queue (labeling before the first order, e.g. while a folder
   * is still importing) reads the images in the order of this expression, a Weyl
   * sequence over image ids (PROVISIONAL_KEY in order-store.ts), from an index
   * that stops after the next few entries instead of sorting the pool. */ `
  CREATE INDEX IF NOT EXISTS images_provisional ON images(((id * 2654435761) % 4294967311), status, duplicate_of, in_test_split);
  `,
];
