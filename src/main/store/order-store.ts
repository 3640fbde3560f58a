/** Orders (a ranking of the pool made by a selection strategy) and the labeling queue read from the active one. */
import type { Arm, ImageId, OrderId, QueueEntry } from '../../shared/types.js';
import type { ProjectDatabase } from './database.js';
import { now } from './rows.js';
import type { NewOrder } from './store-types.js';

/** Order entries written or deleted per transaction by save (about 20-30 ms of write lock each). */
export const SAVE_ORDER_CHUNK = 2000;

/**
 * Pause between two of save's transactions, ms. SQLite's busy handler
 * retries a waiting writer after 1, 2, 5, 10, 15, 20, 25 ... ms; without a
 * pause the saver takes the lock back at once and a label waits through many
 * chunks (up to 0.7 s measured), with it the label gets the next gap.
 */
export const SAVE_ORDER_PAUSE_MS = 25;

const pauseCell = new Int32Array(new SharedArrayBuffer(4));
/** Block this thread for ms (save runs in a job's worker thread). */
function pause(ms: number): void {
  Atomics.wait(pauseCell, 0, 0, ms);
}

/**
 * The provisional queue's order: image id times 2^32 / golden ratio, modulo the
 * prime 2^32 + 15 (a bijection on ids below it). Ids follow the import's walk
 * order, so this is a Weyl sequence over the import: the first images shown
 * come from every part of what is imported so far, not from its first
 * subfolder, and an image's place never depends on images imported after it.
 * The same expression is indexed (schema migration 5): keep the two identical.
 */
export const PROVISIONAL_KEY = '((i.id * 2654435761) % 4294967311)';

export class OrderStore {
  /** The largest coverage radius of the order last asked for, keyed by its id and creation time. */
  private radiusScaleOf: { key: string; value: number | null } | null = null;

  constructor(private readonly db: ProjectDatabase) {}

  /**
   * Store an order and make it the active queue. Readers see the previous
   * order until the new one is complete, then the new one: it is written
   * while marked "being written" (active = -1), made active in one short
   * transaction, and the order it replaces is deleted afterwards. Entries
   * are written and deleted in transactions of SAVE_ORDER_CHUNK rows, so a
   * label committed by another connection meanwhile (the app labels while a
   * reorder runs in a worker) waits for one chunk (tens of ms), not for the
   * whole order (1.1-1.6 s at 100,000 entries as one transaction; see
   * bench/large-project.ts). Between chunks the thread pauses
   * SAVE_ORDER_PAUSE_MS, so saving 100,000 entries takes ~5 s longer: call it
   * from a worker thread, as the order job does. A crash leaves the previous order active and at
   * most a partial "being written" order, removed by a later save once
   * it is an hour old (an order being written by another process right now
   * is never touched).
   */
  save(input: NewOrder): OrderId {
    // The chunks are committed without waiting for the disk (synchronous =
    // NORMAL: still atomic and consistent, and the next FULL commit of any
    // connection, such as a label, flushes them); only the switch waits for
    // it. This keeps each chunk's hold on the write lock short.
    const sync = this.db.readonly ? null : (this.db.pragma('synchronous', { simple: true }) as number);
    const fast = (): void => {
      if (sync !== null) this.db.pragma('synchronous = NORMAL');
    };
    const durable = (): void => {
      if (sync !== null) this.db.pragma(`synchronous = ${sync}`);
    };
    try {
      fast();
      return this.writeInChunks(input, fast, durable);
    } finally {
      durable();
    }
  }

  /** save's steps; fast/durable switch the connection's synchronous level (chunks vs the switch). */
  private writeInChunks(input: NewOrder, fast: () => void, durable: () => void): OrderId {
    const stale = new Date(Date.now() - 3600_000).toISOString();
    const leftovers = this.db.prepare('SELECT id FROM orders WHERE active = -1 AND created_at < ?').pluck().all(stale) as number[];
    for (const old of leftovers) this.deleteInChunks(old);
    const id = this.db.transaction(() =>
      Number(
        this.db
          .prepare('INSERT INTO orders(strategy, seed, embedding_set_id, params, created_at, active) VALUES (?, ?, ?, ?, ?, -1)')
          .run(input.strategy, input.seed, input.embeddingSetId, JSON.stringify(input.params ?? {}), now()).lastInsertRowid,
      ),
    );
    const ins = this.db.prepare('INSERT INTO order_entries(order_id, rank, image_id, coverage_radius, arm) VALUES (?, ?, ?, ?, ?)');
    for (let from = 0; from < input.entries.length; from += SAVE_ORDER_CHUNK) {
      if (from > 0) this.yieldAfterChunk();
      this.db.transaction(() => {
        const to = Math.min(input.entries.length, from + SAVE_ORDER_CHUNK);
        for (let rank = from; rank < to; rank++) {
          const e = input.entries[rank]!;
          ins.run(id, rank, e.imageId, e.coverageRadius, e.arm);
        }
      });
    }
    // The switch, then every replaced order (the previous one, and any left by a crash after a switch).
    durable();
    let replaced: number[];
    try {
      replaced = this.db.transaction(() => {
        input.beforeSwitch?.();
        return this.switchTo(id);
      });
    } catch (e) {
      fast();
      this.deleteInChunks(id);
      throw e;
    }
    fast();
    for (const old of replaced) this.deleteInChunks(old);
    return id as OrderId;
  }

  /** Make order `id` the active one; returns the ids of the orders it replaced. */
  private switchTo(id: number): number[] {
    this.db.prepare('UPDATE orders SET active = 0 WHERE active = 1').run();
    this.db.prepare('UPDATE orders SET active = 1 WHERE id = ?').run(id);
    return this.db.prepare('SELECT id FROM orders WHERE active = 0').pluck().all() as number[];
  }

  /**
   * Between two chunks of save: copy the write-ahead log into the file
   * here (a passive checkpoint, which never blocks other connections), so
   * the next label's commit does not inherit that work from SQLite's
   * automatic checkpoint, then pause so a waiting writer gets the lock.
   */
  private yieldAfterChunk(): void {
    if (!this.db.readonly) this.db.pragma('wal_checkpoint(PASSIVE)');
    pause(SAVE_ORDER_PAUSE_MS);
  }

  /** Delete an order that is not active: its entries SAVE_ORDER_CHUNK at a time, then its row. */
  private deleteInChunks(orderId: number): void {
    const del = this.db.prepare('DELETE FROM order_entries WHERE rowid IN (SELECT rowid FROM order_entries WHERE order_id = ? LIMIT ?)');
    while (this.db.transaction(() => del.run(orderId, SAVE_ORDER_CHUNK).changes) === SAVE_ORDER_CHUNK) this.yieldAfterChunk();
    this.db.transaction(() => this.db.prepare('DELETE FROM orders WHERE id = ? AND active <> 1').run(orderId));
  }

  active(): { id: OrderId; strategy: string; seed: number; length: number; embeddingSetId: number | null } | null {
    const r = this.db.prepare('SELECT id, strategy, seed, embedding_set_id FROM orders WHERE active = 1').get() as
      { id: number; strategy: string; seed: number; embedding_set_id: number | null } | undefined;
    if (!r) return null;
    const length = this.lengthOf(r.id);
    return { id: r.id as OrderId, strategy: r.strategy, seed: r.seed, length, embeddingSetId: r.embedding_set_id };
  }

  /** Id of the active order, or null (no COUNT over its entries, unlike active). */
  private activeId(): number | null {
    const id = this.db.cached('SELECT id FROM orders WHERE active = 1').pluck().get() as number | undefined;
    return id ?? null;
  }

  /** Whether a queue order exists (cheap: unlike active, does not count its entries). */
  hasActive(): boolean {
    return this.activeId() !== null;
  }

  /** Arm of the active order that queued this image ('none' when no active order holds it, or it was not interleaved). */
  armOf(imageId: ImageId): 'novelty' | 'random' | 'none' {
    const arm = this.db
      .cached('SELECT e.arm FROM order_entries e JOIN orders o ON o.id = e.order_id WHERE o.active = 1 AND e.image_id = ?')
      .pluck()
      .get(imageId) as string | undefined;
    return arm === 'novelty' || arm === 'random' ? arm : 'none';
  }

  /** The largest coverage radius of an order (an order's entries never change once written: read once per order). */
  private largestRadius(orderId: number): number | null {
    const key = `${orderId} ${String(this.db.cached('SELECT created_at FROM orders WHERE id = ?').pluck().get(orderId))}`;
    if (this.radiusScaleOf?.key !== key) {
      const m = this.db.cached('SELECT MAX(coverage_radius) FROM order_entries WHERE order_id = ?').pluck().get(orderId) as number | null;
      this.radiusScaleOf = { key, value: m ?? null };
    }
    return this.radiusScaleOf.value;
  }

  /**
   * The next `count` images of the active order that are unlabeled, ready,
   * not duplicates and not in the test split; skipped images come last (by
   * the time they were skipped, then rank).
   *
   * Cost: the entries not skipped are read in rank order from the order's
   * primary key and the read stops after count + offset hits, so a call costs
   * O((labeled or excluded entries before the hits + count + offset) log N),
   * not a sort of the whole order (0.1 ms instead of ~100 ms at N = 100,000;
   * bench/large-project.ts); skipped entries are reached from the skips table
   * through the order_entries(image_id) index. CROSS JOIN fixes the join
   * order so the planner never starts from the images table and sorts.
   */
  queue(count: number, offset = 0): QueueEntry[] {
    const orderId = this.activeId();
    const want = Math.max(0, Math.floor(count)) + Math.max(0, Math.floor(offset));
    if (want === 0) return [];
    if (orderId === null) return this.provisionalQueue(want, offset);
    const columns = 'e.rank, e.coverage_radius, e.arm, i.id, i.abs_path, i.rel_path, i.width, i.height';
    // The label and skip tests name e.image_id, so SQLite runs them on the
    // order entry before it reads the image's row (labeled entries cost one
    // probe of the small labels index, not a page of the images table).
    const queueable = `NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = e.image_id AND l.undone_at IS NULL)
           AND i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0`;
    type Row = {
      rank: number;
      coverage_radius: number | null;
      arm: Arm;
      id: number;
      abs_path: string;
      rel_path: string;
      width: number | null;
      height: number | null;
    };
    const rows = this.db
      .cached(
        `SELECT ${columns} FROM order_entries e CROSS JOIN images i ON i.id = e.image_id
       WHERE e.order_id = ? AND NOT EXISTS (SELECT 1 FROM skips s WHERE s.image_id = e.image_id) AND ${queueable}
       ORDER BY e.rank LIMIT ?`,
      )
      .all(orderId, want) as Row[];
    if (rows.length < want) {
      const skipped = this.db
        .cached(
          `SELECT ${columns} FROM skips s CROSS JOIN order_entries e ON e.image_id = s.image_id AND e.order_id = ?
         CROSS JOIN images i ON i.id = e.image_id
         WHERE ${queueable}
         ORDER BY s.skipped_at, e.rank LIMIT ?`,
        )
        .all(orderId, want - rows.length) as Row[];
      rows.push(...skipped);
    }
    const radiusScale = this.largestRadius(orderId);
    return rows.slice(Math.max(0, Math.floor(offset))).map((r) => ({
      imageId: r.id as ImageId,
      path: r.abs_path,
      relPath: r.rel_path,
      rank: r.rank,
      coverageRadius: r.coverage_radius,
      radiusScale,
      arm: r.arm,
      width: r.width,
      height: r.height,
    }));
  }

  /**
   * The queue before the first order (while a folder imports and the images
   * are embedded): the queueable images (as in queue) in the order of
   * PROVISIONAL_KEY, skipped images last, read from the images_provisional
   * index so a call stops after the next few entries. Entries carry no
   * coverage radius and arm 'none'; rank is the position in this queue now.
   */
  private provisionalQueue(want: number, offset: number): QueueEntry[] {
    const queueable = `i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.undone_at IS NULL)`;
    type Row = { id: number; abs_path: string; rel_path: string; width: number | null; height: number | null };
    const columns = 'i.id, i.abs_path, i.rel_path, i.width, i.height';
    const rows = this.db
      .cached(
        `SELECT ${columns} FROM images i INDEXED BY images_provisional
         WHERE ${queueable} AND NOT EXISTS (SELECT 1 FROM skips s WHERE s.image_id = i.id)
         ORDER BY ${PROVISIONAL_KEY} LIMIT ?`,
      )
      .all(want) as Row[];
    if (rows.length < want) {
      const skipped = this.db
        .cached(`SELECT ${columns} FROM skips s CROSS JOIN images i ON i.id = s.image_id WHERE ${queueable} ORDER BY s.skipped_at, ${PROVISIONAL_KEY} LIMIT ?`)
        .all(want - rows.length) as Row[];
      rows.push(...skipped);
    }
    const from = Math.max(0, Math.floor(offset));
    return rows.slice(from).map((r, k) => ({
      imageId: r.id as ImageId,
      path: r.abs_path,
      relPath: r.rel_path,
      rank: from + k,
      coverageRadius: null,
      radiusScale: null,
      arm: 'none',
      width: r.width,
      height: r.height,
    }));
  }

  /** Entries of the provisional queue (see provisionalQueue): queueable images, none labeled; 0 once an order is active. */
  provisionalRemaining(): number {
    if (this.activeId() !== null) return 0;
    return this.db
      .cached(
        `SELECT (SELECT COUNT(*) FROM images WHERE status = 'ready' AND duplicate_of IS NULL AND in_test_split = 0)
           - (SELECT COUNT(DISTINCT l.image_id) FROM labels l CROSS JOIN images i ON i.id = l.image_id
                WHERE l.undone_at IS NULL AND i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0)`,
      )
      .pluck()
      .get() as number;
  }

  /**
   * Whether the active order no longer matches the project: it was made from
   * other embeddings than the active ones, or some unlabeled pool image is not
   * in it (imported after it was made).
   */
  isStale(): boolean {
    const order = this.active();
    if (!order) return false;
    const emb = this.db.prepare('SELECT id FROM embedding_sets WHERE active = 1').pluck().get() as number | undefined;
    if (emb !== undefined && order.embeddingSetId !== null && order.embeddingSetId !== emb) return true;
    const missing = this.db
      .prepare(
        `SELECT COUNT(*) FROM images i WHERE i.status = 'ready' AND i.duplicate_of IS NULL AND i.in_test_split = 0
           AND NOT EXISTS (SELECT 1 FROM labels l WHERE l.image_id = i.id AND l.undone_at IS NULL)
           AND NOT EXISTS (SELECT 1 FROM order_entries e WHERE e.order_id = ? AND e.image_id = i.id)`,
      )
      .pluck()
      .get(order.id) as number;
    return missing > 0;
  }

  /**
   * Number of queue entries left (see queue): the active order's entries
   * minus those whose image is now labeled or no longer queueable (not
   * ready, a duplicate or in the test split). Reads only the excluded images
   * (index ranges) and the order's length, never the whole images table.
   */
  remaining(): number {
    const orderId = this.activeId();
    if (orderId === null) return 0;
    return this.remainingIn(orderId, this.lengthOf(orderId));
  }

  /**
   * Number of entries of an order. save keeps only the active order, so
   * when one order exists the whole table is counted, which SQLite does from
   * the b-tree pages without reading the rows (0.01 ms instead of 2 ms at
   * 100,000 entries).
   */
  private lengthOf(orderId: number): number {
    const single = (this.db.cached('SELECT COUNT(*) FROM orders').pluck().get() as number) === 1;
    return single
      ? (this.db.cached('SELECT COUNT(*) FROM order_entries').pluck().get() as number)
      : (this.db.cached('SELECT COUNT(*) FROM order_entries WHERE order_id = ?').pluck().get(orderId) as number);
  }

  /** remaining for an order of `total` entries (the status passes the length it already has). */
  remainingIn(orderId: number, total: number): number {
    const gone = this.db
      .cached(
        `SELECT COUNT(*) FROM (
         SELECT id AS image_id FROM images WHERE status IN ('unreadable', 'missing')
         UNION SELECT id FROM images WHERE status = 'ready' AND duplicate_of IS NOT NULL
         UNION SELECT id FROM images WHERE status = 'ready' AND duplicate_of IS NULL AND in_test_split = 1
         UNION SELECT image_id FROM labels WHERE undone_at IS NULL
       ) g CROSS JOIN order_entries e ON e.image_id = g.image_id AND e.order_id = ?`,
      )
      .pluck()
      .get(orderId) as number;
    return total - gone;
  }
}
