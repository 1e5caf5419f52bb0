import sqlite3 from 'sqlite3';

/**
 * Set on every SQLite connection before TypeORM's first statement. WAL: a commit appends to the log
 * instead of rewriting the rollback journal and the page, and readers never wait on the writer.
 * synchronous=NORMAL: in WAL mode a commit is fsynced at checkpoints rather than on every write; a
 * crash of the process loses nothing, a power cut may lose the last commits (never corrupts).
 * busy_timeout: the migrations CLI or a bench reading the file alongside does not fail SQLITE_BUSY.
 */
export const SQLITE_PRAGMAS = [
  'PRAGMA journal_mode = WAL',
  'PRAGMA synchronous = NORMAL',
  'PRAGMA busy_timeout = 5000',
] as const;

type OpenCallback = (error: Error | null) => void;

/**
 * sqlite3 as TypeORM's `driver`. TypeORM calls `.verbose()` on the module it is given, which wraps
 * every statement of every connection in a stack-trace capture and `util.inspect` of its arguments
 * (about 1 ms CPU per write under load): here `verbose()` hands back the plain module, with a
 * Database whose open runs SQLITE_PRAGMAS before it reports the connection open.
 */
class PragmaDatabase extends sqlite3.Database {
  constructor(filename: string, modeOrCallback?: number | OpenCallback, callback?: OpenCallback) {
    const mode = typeof modeOrCallback === 'number' ? modeOrCallback : undefined;
    const opened = typeof modeOrCallback === 'function' ? modeOrCallback : callback;
    const afterOpen = (error: Error | null) => {
      if (error) return opened?.(error);
      void applyPragmas(this).then(
        () => opened?.(null),
        (failure: Error) => opened?.(failure),
      );
    };
    if (mode === undefined) super(filename, afterOpen);
    else super(filename, mode, afterOpen);
  }
}

async function applyPragmas(db: sqlite3.Database): Promise<void> {
  for (const pragma of SQLITE_PRAGMAS)
    await new Promise<void>((ok, fail) => db.run(pragma, (error) => (error ? fail(error) : ok())));
}

const plain = { ...sqlite3, Database: PragmaDatabase };
export const nonVerboseSqlite3 = { ...plain, verbose: () => plain };
