/**
 * Child process of bench/large-project.ts: writes the project's active order
 * again (same entries) on its own connection, as a reorder job does at its
 * end, while the parent keeps labeling. Mode `chunked` uses
 * ProjectStore.saveOrder; mode `one-transaction` replays the saveOrder of
 * before the chunking (all entries, the switch and the deletion in one
 * transaction) as the reference.
 *
 * Protocol (IPC): sends 'ready' once the entries are read, waits for any
 * message, saves, sends 'saved <ms>', exits.
 * Usage: fork('bench/large-project-saver.ts', [projectFile, mode], { execArgv: ['--import', 'tsx'] })
 */
import { ProjectStore, type OrderEntryInput } from '../src/main/store/project-store.js';
import { projectSqlite } from '../test/helpers/project-sqlite.js';

const [file, mode] = process.argv.slice(2);
if (!file || (mode !== 'chunked' && mode !== 'one-transaction')) throw new Error('usage: large-project-saver.ts <project> chunked|one-transaction');
const store = ProjectStore.open(file);
const order = store.activeOrder();
if (!order) throw new Error(`${file} has no active order`);
// The replay writes through its own connection (the store's is private to src/main/store), with the store's settings.
const raw = projectSqlite(store);
raw.pragma('synchronous = FULL');
const entries = raw
  .prepare('SELECT image_id AS imageId, coverage_radius AS coverageRadius, arm FROM order_entries WHERE order_id = ? ORDER BY rank')
  .all(order.id) as OrderEntryInput[];
process.send!('ready');
process.once('message', () => {
  const t0 = performance.now();
  if (mode === 'chunked') {
    store.saveOrder({ strategy: order.strategy, seed: order.seed, embeddingSetId: order.embeddingSetId, entries });
  } else {
    raw
      .transaction(() => {
        const id = Number(
          raw
            .prepare("INSERT INTO orders(strategy, seed, embedding_set_id, params, created_at, active) VALUES (?, ?, ?, '{}', ?, 0)")
            .run(order.strategy, order.seed, order.embeddingSetId, new Date().toISOString()).lastInsertRowid,
        );
        const ins = raw.prepare('INSERT INTO order_entries(order_id, rank, image_id, coverage_radius, arm) VALUES (?, ?, ?, ?, ?)');
        entries.forEach((e, rank) => ins.run(id, rank, e.imageId, e.coverageRadius, e.arm));
        raw.prepare('UPDATE orders SET active = (id = ?)').run(id);
        raw.prepare('DELETE FROM orders WHERE active = 0').run();
      })
      .immediate();
  }
  const ms = performance.now() - t0;
  store.close();
  process.send!(`saved ${ms}`, () => process.exit(0));
});
