/**
 * A Python pickle reader that accepts plain values only: None, bool, int, float, str, bytes, list, tuple
 * and dict, with memo and framing opcodes (protocols 0-5 as far as they encode those values). Every opcode
 * that could name, build or call an object (GLOBAL, STACK_GLOBAL, REDUCE, BUILD, INST, OBJ, NEWOBJ,
 * PERSID, EXT...) is refused with an HwnasError before anything else happens: nothing is ever executed.
 *
 * Values: None -> null, bool -> boolean, int -> number (bigint beyond 2^53), float -> number,
 * str -> string, bytes -> Uint8Array, list -> array, tuple -> frozen array, dict -> Map.
 * A cyclic structure (a list that contains itself) is refused too, so callers may walk results freely.
 */
import { fail } from '../errors.js';

export type PickleValue =
  | null
  | boolean
  | number
  | bigint
  | string
  | Uint8Array
  | PickleValue[]
  | PickleDict
  | PickleRef;
export type PickleDict = Map<PickleValue, PickleValue>;

/**
 * An object made by a caller's `PickleObjects` hooks (a whitelisted class, an array): opaque to the reader,
 * which only moves it around the stack and memo. The plain reader never makes one.
 */
export class PickleRef {
  constructor(
    readonly tag: string,
    public data: unknown,
  ) {}
}

/**
 * Hooks that let a caller accept a whitelist of objects (e.g. scikit-learn forests and numpy arrays).
 * Each hook decides from data alone and fails (HwnasError) on anything it does not know: the reader calls
 * no Python name and runs no code; a hook only builds plain data. Without hooks, the opcodes are refused.
 */
export interface PickleObjects {
  /** GLOBAL / STACK_GLOBAL `module.name`: a token for a whitelisted name (refuse others). */
  global(module: string, name: string): PickleValue;
  /** REDUCE: `callable(*args)` for a whitelisted callable token. */
  reduce(callable: PickleValue, args: readonly PickleValue[]): PickleValue;
  /** NEWOBJ: `cls.__new__(cls, *args)` for a whitelisted class token. */
  newobj(cls: PickleValue, args: readonly PickleValue[]): PickleValue;
  /** BUILD: `obj.__setstate__(state)` for an object a hook made; returns what replaces it on the stack. */
  build(obj: PickleValue, state: PickleValue): PickleValue;
}

/** Opcodes the hooks handle when a caller gives them. */
const HOOKED = new Set([99, 147, 82, 98, 129]);

/** Opcodes that would import, construct or call objects: refused by name. */
const FORBIDDEN: Record<number, string> = {
  99: 'GLOBAL',
  147: 'STACK_GLOBAL',
  82: 'REDUCE',
  98: 'BUILD',
  105: 'INST',
  111: 'OBJ',
  129: 'NEWOBJ',
  146: 'NEWOBJ_EX',
  80: 'PERSID',
  81: 'BINPERSID',
  130: 'EXT1',
  131: 'EXT2',
  132: 'EXT4',
  143: 'EMPTY_SET',
  144: 'ADDITEMS',
  145: 'FROZENSET',
  151: 'NEXT_BUFFER',
  152: 'READONLY_BUFFER',
};

const utf8 = new TextDecoder('utf-8', { fatal: true });
const latin1 = new TextDecoder('latin1');

class Reader {
  pos = 0;
  readonly view: DataView;
  constructor(
    readonly bytes: Uint8Array,
    readonly name: string,
  ) {
    this.view = new DataView(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  }
  bad(msg: string, at = this.pos): never {
    fail(`pickle ${this.name}: ${msg} at byte ${at}`, 'the file is truncated, corrupt or not a plain-values pickle');
  }
  need(n: number): void {
    if (n < 0 || this.pos + n > this.bytes.length) this.bad(`truncated (needs ${n} more bytes)`);
  }
  u8(): number {
    this.need(1);
    return this.bytes[this.pos++]!;
  }
  u16(): number {
    this.need(2);
    const v = this.view.getUint16(this.pos, true);
    this.pos += 2;
    return v;
  }
  u32(): number {
    this.need(4);
    const v = this.view.getUint32(this.pos, true);
    this.pos += 4;
    return v;
  }
  i32(): number {
    this.need(4);
    const v = this.view.getInt32(this.pos, true);
    this.pos += 4;
    return v;
  }
  u64(): number {
    this.need(8);
    const v = this.view.getBigUint64(this.pos, true);
    this.pos += 8;
    if (v > BigInt(this.bytes.length)) this.bad(`length ${v} exceeds the input`);
    return Number(v);
  }
  f64be(): number {
    this.need(8);
    const v = this.view.getFloat64(this.pos, false);
    this.pos += 8;
    return v;
  }
  take(n: number): Uint8Array {
    this.need(n);
    const out = this.bytes.subarray(this.pos, this.pos + n);
    this.pos += n;
    return out;
  }
  /** A text-protocol argument: bytes up to (excluding) the next newline. */
  line(): string {
    const end = this.bytes.indexOf(0x0a, this.pos);
    if (end < 0) this.bad('truncated (missing newline)');
    const s = latin1.decode(this.bytes.subarray(this.pos, end));
    this.pos = end + 1;
    return s;
  }
  str(b: Uint8Array): string {
    try {
      return utf8.decode(b);
    } catch {
      this.bad('invalid UTF-8 in a string');
    }
  }
}

/** Little-endian two's-complement integer of `b` (LONG1 / LONG4). */
function decodeLong(b: Uint8Array): number | bigint {
  if (b.length === 0) return 0;
  let v = 0n;
  for (let i = b.length - 1; i >= 0; i--) v = (v << 8n) | BigInt(b[i]!);
  if (b[b.length - 1]! & 0x80) v -= 1n << BigInt(8 * b.length);
  return normInt(v);
}

function normInt(v: bigint): number | bigint {
  return v >= BigInt(Number.MIN_SAFE_INTEGER) && v <= BigInt(Number.MAX_SAFE_INTEGER) ? Number(v) : v;
}

function parseTextInt(r: Reader, s: string, at: number): number | bigint | boolean {
  if (s === '01') return true;
  if (s === '00') return false;
  const t = s.endsWith('L') ? s.slice(0, -1) : s;
  if (!/^[+-]?\d{1,4300}$/.test(t)) r.bad(`bad integer literal '${s.slice(0, 40)}'`, at);
  return normInt(BigInt(t));
}

function isContainer(v: PickleValue): v is PickleValue[] | PickleDict {
  return Array.isArray(v) || v instanceof Map;
}

/** Refuse cyclic structures (iterative DFS, so deep nesting cannot overflow the call stack). */
function assertAcyclic(root: PickleValue, r: Reader): void {
  if (!isContainer(root)) return;
  const done = new Set<object>();
  const onPath = new Set<object>();
  const stack: { node: PickleValue[] | PickleDict; children: Iterator<PickleValue> }[] = [];
  const enter = (node: PickleValue[] | PickleDict) => {
    onPath.add(node);
    const children = Array.isArray(node) ? node.values() : [...node.keys(), ...node.values()].values();
    stack.push({ node, children });
  };
  enter(root);
  while (stack.length > 0) {
    const top = stack[stack.length - 1]!;
    const next = top.children.next();
    if (next.done) {
      stack.pop();
      onPath.delete(top.node);
      done.add(top.node);
      continue;
    }
    const c = next.value;
    if (!isContainer(c) || done.has(c)) continue;
    if (onPath.has(c)) r.bad('cyclic structure (a container that contains itself)', r.bytes.length);
    enter(c);
  }
}

/**
 * Read a pickle of plain values. `name` (a file name) goes into error messages. With `objects`, GLOBAL,
 * STACK_GLOBAL, REDUCE, NEWOBJ and BUILD go to those hooks (which refuse all but their whitelist); the
 * other object opcodes stay refused.
 */
export function readPickle(bytes: Uint8Array, name = '<bytes>', objects?: PickleObjects): PickleValue {
  const r: Reader = new Reader(bytes, name);
  const stack: PickleValue[] = [];
  // Stack heights at each MARK (Python keeps a separate meta-stack the same way).
  const marks: number[] = [];
  const memo = new Map<number, PickleValue>();
  const floor = () => (marks.length > 0 ? marks[marks.length - 1]! : 0);
  const pop = (at: number): PickleValue => {
    if (stack.length <= floor()) r.bad('stack underflow', at);
    return stack.pop()!;
  };
  const top = (at: number): PickleValue => {
    if (stack.length <= floor()) r.bad('stack underflow', at);
    return stack[stack.length - 1]!;
  };
  const popMark = (at: number): PickleValue[] => {
    const m = marks.pop();
    if (m === undefined) r.bad('no MARK on the stack', at);
    return stack.splice(m);
  };
  const list = (v: PickleValue, at: number): PickleValue[] => {
    if (!Array.isArray(v) || Object.isFrozen(v)) r.bad('APPEND target is not a list', at);
    return v;
  };
  const dict = (v: PickleValue, at: number): PickleDict => {
    if (!(v instanceof Map)) r.bad('SETITEM target is not a dict', at);
    return v;
  };
  const put = (idx: number, at: number) => memo.set(idx, top(at));
  const get = (idx: number, at: number) => {
    if (!memo.has(idx)) r.bad(`memo key ${idx} was never stored`, at);
    stack.push(memo.get(idx)!);
  };

  for (;;) {
    const at = r.pos;
    const op = r.u8();
    const forbidden = objects && HOOKED.has(op) ? undefined : FORBIDDEN[op];
    if (forbidden) {
      fail(
        `pickle ${name}: opcode ${forbidden} (0x${op.toString(16)}) at byte ${at} is not allowed`,
        'only plain values (None, bool, int, float, str, bytes, list, tuple, dict) are read; objects are never constructed or executed',
      );
    }
    switch (op) {
      case 0x80: {
        // PROTO
        const p = r.u8();
        if (p > 5) r.bad(`unsupported protocol ${p}`, at);
        break;
      }
      case 0x95: // FRAME: an 8-byte length; frames only group opcodes, so validate and go on.
        r.u64();
        break;
      case 0x2e: {
        // STOP
        if (stack.length !== 1 || marks.length > 0) r.bad(`STOP with ${stack.length} items on the stack`, at);
        const result = stack[0]!;
        assertAcyclic(result, r);
        return result;
      }
      case 0x4e: // NONE
        stack.push(null);
        break;
      case 0x88: // NEWTRUE
        stack.push(true);
        break;
      case 0x89: // NEWFALSE
        stack.push(false);
        break;
      case 0x49: // INT (text)
        stack.push(parseTextInt(r, r.line(), at));
        break;
      case 0x4c: {
        // LONG (text)
        const v = parseTextInt(r, r.line(), at);
        if (typeof v === 'boolean') r.bad('bad LONG literal', at);
        stack.push(v);
        break;
      }
      case 0x4a: // BININT
        stack.push(r.i32());
        break;
      case 0x4b: // BININT1
        stack.push(r.u8());
        break;
      case 0x4d: // BININT2
        stack.push(r.u16());
        break;
      case 0x8a: // LONG1
        stack.push(decodeLong(r.take(r.u8())));
        break;
      case 0x8b: {
        // LONG4
        const n = r.i32();
        if (n < 0) r.bad('negative LONG4 length', at);
        stack.push(decodeLong(r.take(n)));
        break;
      }
      case 0x46: {
        // FLOAT (text)
        const s = r.line().trim();
        const v = Number(s);
        if (s === '' || (Number.isNaN(v) && !/^[+-]?nan$/i.test(s))) r.bad(`bad float literal '${s.slice(0, 40)}'`, at);
        stack.push(v);
        break;
      }
      case 0x47: // BINFLOAT (big-endian double)
        stack.push(r.f64be());
        break;
      case 0x58: // BINUNICODE
        stack.push(r.str(r.take(r.u32())));
        break;
      case 0x8c: // SHORT_BINUNICODE
        stack.push(r.str(r.take(r.u8())));
        break;
      case 0x8d: // BINUNICODE8
        stack.push(r.str(r.take(r.u64())));
        break;
      case 0x56: {
        // UNICODE (raw-unicode-escape text)
        const s = r
          .line()
          .replace(/\\u([0-9a-fA-F]{4})|\\U([0-9a-fA-F]{8})/g, (_m, a: string | undefined, b: string | undefined) => {
            const cp = Number.parseInt(a ?? b!, 16);
            if (cp > 0x10ffff) r.bad('bad \\U escape', at);
            return String.fromCodePoint(cp);
          });
        stack.push(s);
        break;
      }
      case 0x54: {
        // BINSTRING (Python 2 str): bytes read as latin-1 text, as Python 3 does with encoding='latin1'
        const n = r.i32();
        if (n < 0) r.bad('negative BINSTRING length', at);
        stack.push(latin1.decode(r.take(n)));
        break;
      }
      case 0x55: // SHORT_BINSTRING
        stack.push(latin1.decode(r.take(r.u8())));
        break;
      case 0x53: {
        // STRING (quoted repr)
        const s = r.line();
        const q = s[0];
        if (s.length < 2 || (q !== "'" && q !== '"') || s[s.length - 1] !== q) r.bad('bad STRING literal', at);
        stack.push(s.slice(1, -1));
        break;
      }
      case 0x42: // BINBYTES
        stack.push(r.take(r.u32()).slice());
        break;
      case 0x43: // SHORT_BINBYTES
        stack.push(r.take(r.u8()).slice());
        break;
      case 0x8e: // BINBYTES8
        stack.push(r.take(r.u64()).slice());
        break;
      case 0x96: // BYTEARRAY8 (read as bytes)
        stack.push(r.take(r.u64()).slice());
        break;
      case 0x5d: // EMPTY_LIST
        stack.push([]);
        break;
      case 0x6c: // LIST
        stack.push(popMark(at));
        break;
      case 0x61: {
        // APPEND
        const v = pop(at);
        list(top(at), at).push(v);
        break;
      }
      case 0x65: {
        // APPENDS
        const items = popMark(at);
        const l = list(top(at), at);
        for (const v of items) l.push(v);
        break;
      }
      case 0x29: // EMPTY_TUPLE
        stack.push(Object.freeze([]) as unknown as PickleValue[]);
        break;
      case 0x74: // TUPLE
        stack.push(Object.freeze(popMark(at)) as PickleValue[]);
        break;
      case 0x85: {
        // TUPLE1
        const a = pop(at);
        stack.push(Object.freeze([a]) as PickleValue[]);
        break;
      }
      case 0x86: {
        // TUPLE2
        const b = pop(at);
        const a = pop(at);
        stack.push(Object.freeze([a, b]) as PickleValue[]);
        break;
      }
      case 0x87: {
        // TUPLE3
        const c = pop(at);
        const b = pop(at);
        const a = pop(at);
        stack.push(Object.freeze([a, b, c]) as PickleValue[]);
        break;
      }
      case 0x7d: // EMPTY_DICT
        stack.push(new Map());
        break;
      case 0x64: {
        // DICT
        const items = popMark(at);
        if (items.length % 2 !== 0) r.bad('DICT with an odd number of items', at);
        const d: PickleDict = new Map();
        for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
        stack.push(d);
        break;
      }
      case 0x73: {
        // SETITEM
        const v = pop(at);
        const k = pop(at);
        dict(top(at), at).set(k, v);
        break;
      }
      case 0x75: {
        // SETITEMS
        const items = popMark(at);
        if (items.length % 2 !== 0) r.bad('SETITEMS with an odd number of items', at);
        const d = dict(top(at), at);
        for (let i = 0; i < items.length; i += 2) d.set(items[i]!, items[i + 1]!);
        break;
      }
      case 0x63: {
        // GLOBAL (text module and name lines; only with hooks)
        const module = r.line();
        stack.push(objects!.global(module, r.line()));
        break;
      }
      case 0x93: {
        // STACK_GLOBAL
        const n = pop(at);
        const m = pop(at);
        if (typeof m !== 'string' || typeof n !== 'string') r.bad('STACK_GLOBAL needs two strings', at);
        stack.push(objects!.global(m, n));
        break;
      }
      case 0x52: {
        // REDUCE
        const args = pop(at);
        const fn = pop(at);
        if (!Array.isArray(args) || !Object.isFrozen(args)) r.bad('REDUCE arguments are not a tuple', at);
        stack.push(objects!.reduce(fn, args));
        break;
      }
      case 0x81: {
        // NEWOBJ
        const args = pop(at);
        const cls = pop(at);
        if (!Array.isArray(args) || !Object.isFrozen(args)) r.bad('NEWOBJ arguments are not a tuple', at);
        stack.push(objects!.newobj(cls, args));
        break;
      }
      case 0x62: {
        // BUILD
        const state = pop(at);
        const obj = pop(at);
        stack.push(objects!.build(obj, state));
        break;
      }
      case 0x28: // MARK
        marks.push(stack.length);
        break;
      case 0x30: // POP (of an item, or of a MARK with nothing above it)
        if (marks.length > 0 && stack.length === floor()) marks.pop();
        else pop(at);
        break;
      case 0x31: // POP_MARK
        popMark(at);
        break;
      case 0x32: // DUP
        stack.push(top(at));
        break;
      case 0x70: {
        // PUT (text index)
        const s = r.line();
        if (!/^\d{1,9}$/.test(s)) r.bad('bad PUT index', at);
        put(Number(s), at);
        break;
      }
      case 0x71: // BINPUT
        put(r.u8(), at);
        break;
      case 0x72: // LONG_BINPUT
        put(r.u32(), at);
        break;
      case 0x94: // MEMOIZE
        put(memo.size, at);
        break;
      case 0x67: {
        // GET (text index)
        const s = r.line();
        if (!/^\d{1,9}$/.test(s)) r.bad('bad GET index', at);
        get(Number(s), at);
        break;
      }
      case 0x68: // BINGET
        get(r.u8(), at);
        break;
      case 0x6a: // LONG_BINGET
        get(r.u32(), at);
        break;
      default:
        r.bad(`unknown opcode 0x${op.toString(16)}`, at);
    }
  }
}
