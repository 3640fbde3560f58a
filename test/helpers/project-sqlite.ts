/**
 * A second, independent connection to a store's project file, for tests that
 * read or change the raw tables. The store's own connection is private to
 * src/main/store; this one is plain better-sqlite3 on the same file (WAL: it
 * sees every commit of the store's connection, and the store sees its). It
 * closes with the store, so the store's close still checkpoints the file as
 * the last connection.
 */
import Database from 'better-sqlite3';

interface Closable {
  readonly path: string;
  close(): void;
}

const connections = new WeakMap<Closable, Database.Database>();

export function projectSqlite(store: Closable): Database.Database {
  let db = connections.get(store);
  if (db?.open) return db;
  db = new Database(store.path, { fileMustExist: true });
  db.pragma('busy_timeout = 5000');
  connections.set(store, db);
  const own = db;
  const closeStore = store.close.bind(store);
  store.close = (): void => {
    if (own.open) own.close();
    closeStore();
  };
  return db;
}
