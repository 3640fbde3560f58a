/**
 * Child process of the fault tests: another program that holds the write lock
 * of a project (BEGIN IMMEDIATE, with an uncommitted write) for HOLD_MS, then
 * rolls back (the tests kill it -9 before). Prints "locked"
 * once it holds the lock.
 * Usage: node --import tsx test/faults/hold-lock-child.ts PROJECT HOLD_MS
 */
import Database from 'better-sqlite3';

const [file, holdText] = process.argv.slice(2);
const db = new Database(file!, { fileMustExist: true });
db.pragma('busy_timeout = 10000');
db.exec('BEGIN IMMEDIATE');
db.prepare("INSERT OR REPLACE INTO meta(key, value) VALUES ('lock-holder', 'test')").run();
process.stdout.write('locked\n');
Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, Number(holdText));
db.exec('ROLLBACK');
db.close();
process.stdout.write('released\n');
