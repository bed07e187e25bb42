/**
 * The results store: one SQLite file per study folder. It holds the config (and its hash), the data the
 * report needs (accuracy, latencies, true fronts) and one row per finished run with its checkpoint
 * metrics and fronts, each run committed in its own transaction. A killed study loses at most the runs in
 * flight; reopening the folder resumes from the committed runs.
 */
import { existsSync, readdirSync, rmSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Database from 'better-sqlite3';
import { fail } from '../errors.js';
import { createOutputFolder } from '../io/folders.js';
import type { FrontLoss } from '../prune/index.js';
import { canonicalConfig, type StudyConfig, studyHash } from './config.js';
import { type StudyInput, studyInputs } from './inputs.js';
import { STORE_FILES, STUDY_ENTRIES, studyPaths } from './layout.js';
import type { CheckpointMetrics, PruneInfo, RunResult, RunTask } from './plan.js';
import { damagedHint, damagedMessage, storeFailure } from './store-errors.js';
import { inspectStore, type StoreMeta, setAsideDamaged } from './store-health.js';

// 2: runs gained best_igd_plus, igd_trace (time to quality by IGD+) and front_loss (the audit's why)
const FORMAT = '2';

const SCHEMA = `
CREATE TABLE IF NOT EXISTS meta (key TEXT PRIMARY KEY, value TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS arrays (name TEXT PRIMARY KEY, data BLOB NOT NULL);
CREATE TABLE IF NOT EXISTS runs (
  key TEXT PRIMARY KEY, idx INTEGER NOT NULL, device TEXT NOT NULL, pruning TEXT NOT NULL,
  strategy TEXT NOT NULL, seed INTEGER NOT NULL, run_seed INTEGER NOT NULL,
  pruned_size INTEGER NOT NULL, recall REAL NOT NULL, best_gd REAL NOT NULL,
  best_igd_plus REAL NOT NULL, r2 REAL, front_loss TEXT, allowed TEXT, archs BLOB NOT NULL, trace BLOB NOT NULL,
  igd_trace BLOB NOT NULL, elapsed_ms REAL NOT NULL
);
CREATE TABLE IF NOT EXISTS checkpoints (
  run_key TEXT NOT NULL, evals INTEGER NOT NULL, gd REAL NOT NULL, gd_mean REAL NOT NULL,
  igd_plus REAL NOT NULL, hv REAL NOT NULL, front_size INTEGER NOT NULL, PRIMARY KEY (run_key, evals)
);
CREATE TABLE IF NOT EXISTS fronts (
  run_key TEXT NOT NULL, evals INTEGER NOT NULL, archs BLOB NOT NULL, PRIMARY KEY (run_key, evals)
);
`;

export interface StoredRun {
  key: string;
  index: number;
  device: string;
  pruning: string;
  strategy: string;
  seed: number;
  runSeed: number;
  prune: PruneInfo;
  /** Evaluations the run made. Its evaluated architectures are not loaded with it: `loadArchs`. */
  evals: number;
  trace: Float64Array;
  /** (evaluations, IGD+) pairs where IGD+ went down. */
  igdTrace: Float64Array;
  checkpoints: CheckpointMetrics[];
  fronts: { evals: number; archs: Int32Array }[];
}

/** Per-study arrays the report needs without resolving sources again. */
export interface StudyData {
  spaceId: string;
  accuracy: { source: string; name: string; unit: string; values: Float64Array };
  devices: { source: string; name: string; unit: string; latency: Float64Array; front: Int32Array }[];
}

function blob(a: Int32Array | Float64Array): Buffer {
  return Buffer.from(a.buffer, a.byteOffset, a.byteLength);
}
function int32s(b: Buffer): Int32Array {
  return new Int32Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}
function float64s(b: Buffer): Float64Array {
  return new Float64Array(b.buffer.slice(b.byteOffset, b.byteOffset + b.byteLength));
}

/** Names the config keys that differ, for the refusal message. */
function configDiff(a: string, b: string): string[] {
  const x = JSON.parse(a) as Record<string, unknown>;
  const y = JSON.parse(b) as Record<string, unknown>;
  return Object.keys({ ...x, ...y }).filter((k) => JSON.stringify(x[k]) !== JSON.stringify(y[k]));
}

/** Names the user files whose contents differ from those the study was made from, for the refusal message. */
function changedInputs(recorded: StudyInput[], now: StudyInput[], wasRecorded: boolean): string {
  const names = (list: StudyInput[]) =>
    `${list.length === 1 ? 'file' : 'files'} ${list.map((i) => `'${i.file}'`).join(', ')}`;
  if (!wasRecorded)
    return `it was made before hwnas recorded the contents of the files it reads: it cannot tell whether ${names(now)} changed`;
  const before = new Map(recorded.map((i) => [i.file, i.sha256]));
  const changed = now.filter((i) => before.get(i.file) !== i.sha256);
  if (changed.length === 0) return 'the files it reads are not the ones it was made from';
  return `its ${names(changed)} changed since the study started`;
}

export class StudyStore {
  private constructor(
    readonly folder: string,
    private readonly db: Database.Database,
  ) {}

  /**
   * Open (or create) the store of `folder` for `config`. A folder holding a different study, or other
   * files, is refused unless `force` (which replaces only what a study writes).
   */
  /**
   * What opening `folder` for `config` would do: 'new' (empty or absent), 'resume' (same study) or
   * 'replace' (--force). A folder holding a different study, or other files, is refused unless `force`.
   */
  static check(folder: string, config: StudyConfig, opts: { force?: boolean } = {}): 'new' | 'resume' | 'replace' {
    const paths = studyPaths(folder);
    if (!existsSync(folder)) {
      // A study folder is created, but not its parents: a typo in a parent should not grow a new tree.
      const parent = dirname(folder);
      if (!existsSync(parent))
        fail(
          `output folder '${folder}': folder '${parent}' does not exist`,
          `create it first (mkdir -p ${parent}) or fix the path`,
        );
      return 'new';
    }
    if (!statSync(folder).isDirectory())
      fail(`output folder '${folder}' is a file`, 'give a folder for the study, e.g. --out hwnas-study');
    if (existsSync(paths.store)) {
      const inspected = inspectStore(paths.store);
      if ('damage' in inspected) {
        if (opts.force) return 'replace';
        fail(damagedMessage(paths.store, inspected.damage), damagedHint(paths.store));
      }
      const stored: StoreMeta = inspected.meta;
      const inputs = studyInputs(config);
      if (stored.hash === studyHash(config, inputs) && stored.format === FORMAT) return 'resume';
      // Inputs recorded with the folder (none in folders from before file contents counted).
      const recorded = stored.inputs ? (JSON.parse(stored.inputs) as StudyInput[]) : [];
      const sameConfig = stored.hash === studyHash(config, recorded) && stored.format === FORMAT;
      // A file that cannot be read now: its source names the problem when the study prepares.
      if (sameConfig && inputs.some((i) => i.sha256 === null)) return 'resume';
      if (opts.force) return 'replace';
      if (sameConfig) {
        const why = changedInputs(recorded, inputs, stored.inputs !== undefined);
        fail(
          `output folder '${folder}' holds a different study (${why})`,
          'its results came from the old contents: use a new --out, delete the old folder, or pass --force to replace it',
        );
      }
      const diff = stored.config ? configDiff(stored.config, canonicalConfig(config)) : [];
      const why =
        diff.length > 0 ? `its config differs in ${diff.join(', ')}` : 'it was written by another store format';
      fail(
        `output folder '${folder}' holds a different study (${why})`,
        'pass --force to replace it, or --out another folder',
      );
    }
    if (readdirSync(folder).length === 0) return 'new';
    if (opts.force) return 'replace';
    fail(
      `output folder '${folder}' is not empty and holds no study`,
      'pass --force to write into it, or --out another folder',
    );
  }

  /** Open (or create) the store of `folder` for `config` (see `check`; --force replaces only what a study writes). */
  static create(
    folder: string,
    config: StudyConfig,
    opts: { force?: boolean; onNote?: (line: string) => void } = {},
  ): StudyStore {
    const paths = studyPaths(folder);
    if (StudyStore.check(folder, config, opts) === 'replace') {
      const aside = StudyStore.clear(folder);
      if (aside) opts.onNote?.(`${paths.store} was damaged: kept aside as ${aside}, the study starts again`);
    }
    // check() made sure the parent exists: a plain mkdir (a recursive one never returns under /proc).
    createOutputFolder('--out', folder);
    const inputs = studyInputs(config);
    // A store this call creates and fails to set up (a full disk) is removed: it holds nothing yet.
    const fresh = !existsSync(paths.store);
    let db: Database.Database | undefined;
    try {
      db = new Database(paths.store);
      db.pragma('journal_mode = WAL');
      db.pragma('synchronous = NORMAL');
      db.exec(SCHEMA);
      const put = db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      db.transaction(() => {
        put.run('format', FORMAT);
        put.run('config', canonicalConfig(config));
        put.run('hash', studyHash(config, inputs));
        if (inputs.length > 0) put.run('inputs', JSON.stringify(inputs));
      })();
    } catch (e) {
      closeQuietly(db);
      if (fresh) for (const f of STORE_FILES) rmSync(join(folder, f), { force: true });
      storeFailure(e, paths.store, folder, () => null);
    }
    return new StudyStore(folder, db);
  }

  /** Open an existing study folder read-write (report, export). */
  static open(folder: string): StudyStore {
    const paths = studyPaths(folder);
    if (!existsSync(paths.store)) {
      fail(`'${folder}' holds no study (no ${paths.store})`, 'run `hwnas reproduce --out <folder>` first');
    }
    const inspected = inspectStore(paths.store);
    if ('damage' in inspected) fail(damagedMessage(paths.store, inspected.damage), damagedHint(paths.store));
    const format = inspected.meta.format;
    if (format !== FORMAT) {
      fail(
        `'${paths.store}' was written by another hwnas store format (${format ?? 'none'})`,
        'rerun the study with --force',
      );
    }
    let db: Database.Database | undefined;
    try {
      db = new Database(paths.store, { fileMustExist: true });
    } catch (e) {
      storeFailure(e, paths.store, folder, () => null);
    }
    return new StudyStore(folder, db);
  }

  /**
   * A store over a connection the caller opened and owns (the dashboard's private in-memory copy of a
   * study.sqlite, which it reads without touching the folder). Reads only; `close` closes the connection.
   */
  static fromConnection(folder: string, db: Database.Database): StudyStore {
    return new StudyStore(folder, db);
  }

  /** How many runs the store holds, without loading them. */
  runCount(): number {
    return this.guard((): number => (this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number }).n);
  }

  /**
   * Finished runs, their evaluations, and the highest hypervolume any run reached at its last checkpoint
   * (null without checkpoints), read without loading the runs.
   */
  progress(): { runs: number; evals: number; bestFinalHv: number | null } {
    return this.guard(() => {
      const r = this.db.prepare('SELECT count(*) AS n, coalesce(sum(length(archs) / 4), 0) AS e FROM runs').get() as {
        n: number;
        e: number;
      };
      const hv = this.db
        .prepare(
          `SELECT max(c.hv) AS hv FROM checkpoints c JOIN
            (SELECT run_key, max(evals) AS last FROM checkpoints GROUP BY run_key) l
            ON c.run_key = l.run_key AND c.evals = l.last`,
        )
        .get() as { hv: number | null };
      return { runs: r.n, evals: r.e, bestFinalHv: hv.hv };
    });
  }

  /**
   * What --force replaces: a damaged store is kept aside, the rest of what a study writes is removed.
   * Returns where the damaged store was moved, if it was.
   */
  private static clear(folder: string): string | null {
    const { store } = studyPaths(folder);
    const aside = existsSync(store) && 'damage' in inspectStore(store) ? setAsideDamaged(store) : null;
    for (const e of STUDY_ENTRIES) rmSync(join(folder, e), { recursive: true, force: true });
    return aside;
  }

  private cachedConfig: StudyConfig | undefined;

  config(): StudyConfig {
    return this.guard((): StudyConfig => {
      if (this.cachedConfig) return this.cachedConfig;
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'config'").get() as { value: string };
      const c = JSON.parse(row.value) as StudyConfig & { bloxData: string | null };
      if (c.bloxData === null) delete (c as Partial<StudyConfig>).bloxData;
      this.cachedConfig = c;
      return c;
    });
  }

  doneKeys(): Set<string> {
    return this.guard((): Set<string> => {
      const rows = this.db.prepare('SELECT key FROM runs').all() as { key: string }[];
      return new Set(rows.map((r) => r.key));
    });
  }

  hasData(): boolean {
    return this.guard((): boolean => {
      return this.db.prepare("SELECT 1 FROM arrays WHERE name = 'accuracy'").get() !== undefined;
    });
  }

  /** Store the arrays the report needs (once per study; they are a pure function of the config). */
  saveData(data: StudyData): void {
    this.guard(() => {
      const put = this.db.prepare('INSERT OR REPLACE INTO arrays (name, data) VALUES (?, ?)');
      const meta = this.db.prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)');
      this.db.transaction(() => {
        meta.run(
          'columns',
          JSON.stringify({
            spaceId: data.spaceId,
            accuracy: { source: data.accuracy.source, name: data.accuracy.name, unit: data.accuracy.unit },
            devices: data.devices.map((d) => ({ source: d.source, name: d.name, unit: d.unit })),
          }),
        );
        put.run('accuracy', blob(data.accuracy.values));
        data.devices.forEach((d, i) => {
          put.run(`latency:${i}`, blob(d.latency));
          put.run(`front:${i}`, blob(d.front));
        });
      })();
    });
  }

  loadData(): StudyData {
    return this.guard((): StudyData => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'columns'").get() as
        | { value: string }
        | undefined;
      if (!row) fail(`the study in '${this.folder}' has no finished setup yet`, 'rerun `hwnas reproduce` on it');
      const cols = JSON.parse(row.value) as {
        spaceId: string;
        accuracy: { source: string; name: string; unit: string };
        devices: { source: string; name: string; unit: string }[];
      };
      const get = this.db.prepare('SELECT data FROM arrays WHERE name = ?');
      const arr = (name: string) => (get.get(name) as { data: Buffer }).data;
      return {
        spaceId: cols.spaceId,
        accuracy: { ...cols.accuracy, values: float64s(arr('accuracy')) },
        devices: cols.devices.map((d, i) => ({
          ...d,
          latency: float64s(arr(`latency:${i}`)),
          front: int32s(arr(`front:${i}`)),
        })),
      };
    });
  }

  /** Feasibility counts of the study (constraints, --allow-missing), as JSON in the meta table. */
  saveFeasibility(feasibility: unknown): void {
    this.guard(() => {
      this.db
        .prepare('INSERT OR REPLACE INTO meta (key, value) VALUES (?, ?)')
        .run('feasibility', JSON.stringify(feasibility));
    });
  }

  loadFeasibility(): unknown {
    return this.guard((): unknown => {
      const row = this.db.prepare("SELECT value FROM meta WHERE key = 'feasibility'").get() as
        | { value: string }
        | undefined;
      return row ? JSON.parse(row.value) : null;
    });
  }

  /** Commit one finished run (row, checkpoints, fronts) in one transaction. */
  commitRun(task: RunTask, result: RunResult, elapsedMs: number): void {
    this.guard(() => {
      const { spec, prune } = task;
      const c = this.config();
      const insertRun = this.db.prepare(
        `INSERT INTO runs (key, idx, device, pruning, strategy, seed, run_seed, pruned_size, recall, best_gd,
          best_igd_plus, r2, front_loss, allowed, archs, trace, igd_trace, elapsed_ms)
          VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)`,
      );
      const insertCheckpoint = this.db.prepare(
        'INSERT INTO checkpoints (run_key, evals, gd, gd_mean, igd_plus, hv, front_size) VALUES (?, ?, ?, ?, ?, ?, ?)',
      );
      const insertFront = this.db.prepare('INSERT INTO fronts (run_key, evals, archs) VALUES (?, ?, ?)');
      this.db.transaction(() => {
        insertRun.run(
          spec.key,
          spec.index,
          c.devices[spec.device],
          c.pruning[spec.pruning],
          c.strategies[spec.strategy],
          spec.seed,
          spec.runSeed,
          prune.size,
          prune.recall,
          prune.bestGd,
          prune.bestIgdPlus,
          prune.r2,
          prune.frontLoss ? JSON.stringify(prune.frontLoss) : null,
          prune.allowed ? JSON.stringify(prune.allowed) : null,
          blob(result.archs),
          blob(result.trace),
          blob(result.igdTrace),
          elapsedMs,
        );
        for (const m of result.checkpoints) {
          insertCheckpoint.run(spec.key, m.evals, m.gd, m.gdMean, m.igdPlus, m.hv, m.frontSize);
        }
        for (const f of result.fronts) insertFront.run(spec.key, f.evals, blob(f.archs));
      })();
    });
  }

  /**
   * Every finished run in the study's fixed order, without its evaluated architectures (12 KB a run at
   * 3000 evaluations: 18 MB for 1,500 runs, of which the report draws only a handful): `loadArchs`.
   */
  loadRuns(): StoredRun[] {
    return this.guard((): StoredRun[] => {
      const runs = this.db
        .prepare(
          `SELECT key, idx, device, pruning, strategy, seed, run_seed, pruned_size, recall, best_gd,
            best_igd_plus, r2, front_loss, allowed, length(archs) / 4 AS evals, trace, igd_trace FROM runs ORDER BY idx`,
        )
        .all() as Record<string, unknown>[];
      const cps = this.db.prepare('SELECT * FROM checkpoints ORDER BY run_key, evals').all() as Record<
        string,
        number | string
      >[];
      const frs = this.db.prepare('SELECT * FROM fronts ORDER BY run_key, evals').all() as Record<string, unknown>[];
      const byKey = new Map<string, StoredRun>();
      const out = runs.map((r) => {
        const run: StoredRun = {
          key: r.key as string,
          index: r.idx as number,
          device: r.device as string,
          pruning: r.pruning as string,
          strategy: r.strategy as string,
          seed: r.seed as number,
          runSeed: r.run_seed as number,
          prune: {
            allowed: r.allowed === null ? null : (JSON.parse(r.allowed as string) as number[][]),
            size: r.pruned_size as number,
            recall: r.recall as number,
            bestGd: r.best_gd as number,
            bestIgdPlus: r.best_igd_plus as number,
            r2: r.r2 as number | null,
            frontLoss: r.front_loss === null ? null : (JSON.parse(r.front_loss as string) as FrontLoss),
          },
          evals: r.evals as number,
          trace: float64s(r.trace as Buffer),
          igdTrace: float64s(r.igd_trace as Buffer),
          checkpoints: [],
          fronts: [],
        };
        byKey.set(run.key, run);
        return run;
      });
      for (const c of cps) {
        byKey.get(c.run_key as string)?.checkpoints.push({
          evals: c.evals as number,
          gd: c.gd as number,
          gdMean: c.gd_mean as number,
          igdPlus: c.igd_plus as number,
          hv: c.hv as number,
          frontSize: c.front_size as number,
        });
      }
      for (const f of frs) {
        byKey.get(f.run_key as string)?.fronts.push({ evals: f.evals as number, archs: int32s(f.archs as Buffer) });
      }
      return out;
    });
  }

  /** The architectures each of these runs evaluated, in order (by run key; unknown keys are left out). */
  loadArchs(keys: Iterable<string>): Map<string, Int32Array> {
    return this.guard((): Map<string, Int32Array> => {
      const get = this.db.prepare('SELECT archs FROM runs WHERE key = ?');
      const out = new Map<string, Int32Array>();
      for (const key of keys) {
        const row = get.get(key) as { archs: Buffer } | undefined;
        if (row) out.set(key, int32s(row.archs));
      }
      return out;
    });
  }

  close(): void {
    closeQuietly(this.db);
  }

  /** Runs `fn` on the store, turning SQLite failures a user can cause (full disk, damage) into one line. */
  private guard<T>(fn: () => T): T {
    try {
      return fn();
    } catch (e) {
      storeFailure(e, studyPaths(this.folder).store, this.folder, () => this.keptRuns());
    }
  }

  /** What a failed write leaves: the committed runs (read again after the failure; null if unreadable). */
  private keptRuns(): string | null {
    try {
      const { n } = this.db.prepare('SELECT count(*) AS n FROM runs').get() as { n: number };
      if (n === 0) return null;
      return n === 1 ? 'the 1 finished run is kept' : `the ${n} finished runs are kept`;
    } catch {
      return null;
    }
  }
}

/** Close a store connection; a close that fails (its checkpoint on a full disk) leaves the -wal to recover from. */
function closeQuietly(db: Database.Database | undefined): void {
  try {
    db?.close();
  } catch {
    // the -wal keeps every committed transaction: the next open replays it
  }
}
