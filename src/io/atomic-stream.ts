/**
 * A file written piece by piece into a temp file beside it and renamed into place once complete: what
 * writeFileAtomic does for output too large to hold as one string (the HTML report, figure by figure).
 * A failed or abandoned write leaves the previous file, if any, and no temp file.
 */
import { closeSync, openSync, rmSync, writeSync } from 'node:fs';
import { AtomicWriteError, commitTemp, errorCode, failAtomicWrite, makeParentFolder, tempPathFor } from './atomic.js';

/** Streams not yet committed or aborted: a Ctrl-C handler removes their temp files before exiting. */
const unfinished = new Set<AtomicFileStream>();

/** Abort every stream still being written (their temp files are removed; committed files stay). */
export function abortOpenFileStreams(): void {
  for (const s of [...unfinished]) s.abort();
}

export class AtomicFileStream {
  private fd: number | null;

  private constructor(
    readonly path: string,
    private readonly tmp: string,
    fd: number,
  ) {
    this.fd = fd;
  }

  static open(path: string): AtomicFileStream {
    const tmp = tempPathFor(path);
    try {
      makeParentFolder(path);
      const stream = new AtomicFileStream(path, tmp, openSync(tmp, 'w'));
      unfinished.add(stream);
      return stream;
    } catch (e) {
      const code = e instanceof AtomicWriteError ? e.code : errorCode(e);
      failAtomicWrite(new AtomicWriteError(path, 'write', code));
    }
  }

  write(text: string): void {
    if (this.fd === null) throw new Error(`${this.path}: write after close`);
    try {
      writeSync(this.fd, text);
    } catch (e) {
      this.abort();
      failAtomicWrite(new AtomicWriteError(this.path, 'write', errorCode(e)));
    }
  }

  /** Close and rename into place. */
  commit(): void {
    if (this.fd === null) throw new Error(`${this.path}: commit after close`);
    try {
      closeSync(this.fd);
      this.fd = null;
      commitTemp(this.tmp, this.path);
      unfinished.delete(this);
    } catch (e) {
      this.abort();
      failAtomicWrite(e instanceof AtomicWriteError ? e : new AtomicWriteError(this.path, 'write', errorCode(e)));
    }
  }

  /** Drop what was written (no-op once committed). */
  abort(): void {
    unfinished.delete(this);
    if (this.fd !== null) {
      try {
        closeSync(this.fd);
      } catch {
        // already unusable: removing the temp file is all that is left to do
      }
      this.fd = null;
    }
    rmSync(this.tmp, { force: true });
  }
}
