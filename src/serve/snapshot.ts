/**
 * A private, consistent copy of a study store, read without touching the served folder. SQLite's own
 * read-only open of a WAL store creates -wal/-shm files beside it (and leaves them), and a reader holding
 * the file open keeps the writer from checkpointing; so the dashboard never opens the served file with
 * SQLite. It reads the bytes (study.sqlite, and its -wal while a writer has one), checks that nothing
 * changed while it read (else reads again), and opens the copy: in memory, or, with a -wal to replay, in
 * a temp folder of its own that is removed at once. No lock is taken, so the writer is never blocked.
 */
import { type BigIntStats, existsSync, mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import Database from 'better-sqlite3';
import { fail } from '../errors.js';
import { STORE_FILE, StudyStore } from '../study/index.js';

/** Size and change time of a file, or '-' when absent: equal signatures mean unchanged bytes. */
function fileSig(path: string): string {
  let s: BigIntStats;
  try {
    s = statSync(path, { bigint: true });
  } catch {
    return '-';
  }
  return `${s.size}:${s.mtimeNs}:${s.ino}`;
}

/** The signature of a study store (its file and its -wal): the dashboard recomputes a page only when it changes. */
export function storeSignature(folder: string): string {
  const path = join(folder, STORE_FILE);
  return `${fileSig(path)}|${fileSig(`${path}-wal`)}`;
}

const ATTEMPTS = 8;

/** Bytes of the store and its -wal (null when none or empty), as of one moment no write happened in. */
function readConsistent(folder: string): { db: Buffer; wal: Buffer | null; sig: string } {
  const path = join(folder, STORE_FILE);
  for (let attempt = 0; ; attempt++) {
    const before = storeSignature(folder);
    let db: Buffer;
    let wal: Buffer | null = null;
    try {
      db = readFileSync(path);
      if (existsSync(`${path}-wal`)) wal = readFileSync(`${path}-wal`);
    } catch (e) {
      if (attempt < ATTEMPTS) continue;
      fail(`cannot read ${path}: ${(e as Error).message}`, 'check the folder and its permissions');
    }
    if (storeSignature(folder) === before || attempt >= ATTEMPTS)
      return { db, wal: wal && wal.length > 0 ? wal : null, sig: before };
  }
}

/**
 * Open a snapshot of the study in `folder` as a read-only StudyStore (the caller closes it). The second
 * value is the signature of the bytes it holds.
 */
export function openSnapshot(folder: string): { store: StudyStore; sig: string } {
  const { db: bytes, wal, sig } = readConsistent(folder);
  if (bytes.length < 100) fail(`'${join(folder, STORE_FILE)}' is not a study store yet`, 'wait for the study to start');
  if (wal === null) {
    // Header bytes 18-19 say "WAL mode" (2); as 1 the in-memory copy needs no -wal/-shm beside it.
    if (bytes[18] === 2) bytes[18] = 1;
    if (bytes[19] === 2) bytes[19] = 1;
    const db = new Database(bytes);
    return { store: StudyStore.fromConnection(folder, db), sig };
  }
  // With a -wal the committed state needs SQLite's replay of it: in a temp folder outside the served one.
  const dir = mkdtempSync(join(tmpdir(), 'hwnas-serve-'));
  try {
    const copy = join(dir, STORE_FILE);
    writeFileSync(copy, bytes);
    writeFileSync(`${copy}-wal`, wal);
    const disk = new Database(copy);
    let image: Buffer;
    try {
      image = disk.serialize();
    } finally {
      disk.close();
    }
    if (image[18] === 2) image[18] = 1;
    if (image[19] === 2) image[19] = 1;
    return { store: StudyStore.fromConnection(folder, new Database(image)), sig };
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}
