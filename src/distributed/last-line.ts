/**
 * The last non-empty line of a stream, in bounded memory: an evaluator program may log any amount to
 * stdout before its reply (the last non-empty line), so only the line being read and the last complete
 * non-empty one are kept, each at most `maxLineBytes`. A longer line is remembered as too long (a reply
 * that long is refused; a log line that long is forgotten once a later line ends). `consume` sees every
 * complete line (and the unterminated last one) first: a line it takes (a progress report) is no reply.
 */
const NEWLINE = 0x0a;

export type LastLine = { ok: true; line: string } | { ok: false; bytes: number };

export class LastLineBuffer {
  /** Bytes of the line being read (up to maxLineBytes of them). */
  private current: Buffer[] = [];
  private currentBytes = 0;
  private last: LastLine = { ok: true, line: '' };

  private tailSeen = false;

  constructor(
    readonly maxLineBytes: number,
    private readonly consume?: (line: string) => boolean,
  ) {}

  push(chunk: Buffer): void {
    let start = 0;
    for (let nl = chunk.indexOf(NEWLINE, start); nl >= 0; nl = chunk.indexOf(NEWLINE, start)) {
      this.append(chunk.subarray(start, nl));
      this.endLine();
      start = nl + 1;
    }
    if (start < chunk.length) this.append(chunk.subarray(start));
  }

  /** The last non-empty line (trimmed), including an unterminated last one; '' when there is none. */
  result(): LastLine {
    const tail = this.lineOf();
    if (tail.ok && tail.line !== '' && this.consume !== undefined) {
      if (!this.tailSeen) {
        this.tailSeen = true;
        if (this.consume(tail.line)) {
          this.current = [];
          this.currentBytes = 0;
        }
      }
      if (this.currentBytes === 0) return this.last;
    }
    return tail.ok && tail.line === '' ? this.last : tail;
  }

  private append(b: Buffer): void {
    const room = this.maxLineBytes + 1 - this.currentBytes; // one byte over the cap marks "too long"
    if (room > 0 && b.length > 0) this.current.push(Buffer.from(b.subarray(0, room)));
    this.currentBytes += b.length;
  }

  private lineOf(): LastLine {
    if (this.currentBytes > this.maxLineBytes) return { ok: false, bytes: this.currentBytes };
    return { ok: true, line: Buffer.concat(this.current).toString('utf8').trim() };
  }

  private endLine(): void {
    const l = this.lineOf();
    if (l.ok && l.line !== '' && this.consume?.(l.line)) {
      this.current = [];
      this.currentBytes = 0;
      return;
    }
    if (!l.ok || l.line !== '') this.last = l;
    this.current = [];
    this.currentBytes = 0;
  }
}
