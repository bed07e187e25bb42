/**
 * The seeded initialisation of an IR graph (`initParams`, the values the ONNX export holds) as the state
 * dict of the module `toTorchSource` writes: keys `n<id>.weight`, `.bias`, and for batch norms
 * `.running_mean`, `.running_var`, `.num_batches_tracked`, in node order. Two containers, both written
 * here byte for byte (no timestamps):
 * - `.safetensors`: an 8-byte little-endian header length, the JSON header, then the raw little-endian
 *   tensors (the safetensors format; the generated module parses it itself).
 * - `.pt`: the zip archive torch.save writes (`archive/data.pkl`, `archive/data/<k>`, `archive/version`)
 *   whose pickle holds only an OrderedDict of tensors rebuilt by `torch._utils._rebuild_tensor_v2`, so
 *   `torch.load(path, weights_only=True)` reads it without running any pickle code.
 */
import { fail } from '../errors.js';
import { type ConvAttrs, type Graph, isConv, isLinear, type Node } from './graph.js';
import { type ExplicitParams, initParams } from './init.js';

export interface StateTensor {
  key: string;
  dtype: 'F32' | 'I64';
  shape: number[];
  /** Little-endian bytes of the values. */
  bytes: Uint8Array;
}

function f32(values: Float32Array): Uint8Array {
  return new Uint8Array(values.buffer, values.byteOffset, values.byteLength);
}

/** The state dict of the exported module, from the graph's seeded parameters. */
export function torchStateDict(g: Graph, seed: number, explicit?: ExplicitParams): StateTensor[] {
  const params = initParams(g, seed, explicit);
  const out: StateTensor[] = [];
  const add = (key: string, shape: number[], values: Float32Array): void => {
    out.push({ key, dtype: 'F32', shape, bytes: f32(values) });
  };
  for (const n of g.nodes) {
    const p = params.get(n.id);
    if (!p) continue;
    const at = `n${n.id}`;
    const cin = n.inputs.length > 0 ? g.nodes[n.inputs[0]!]!.shape.c : 0;
    if (isConv(n)) {
      const a = (n as Node & { attrs: ConvAttrs }).attrs;
      add(`${at}.weight`, [a.outChannels, cin / a.groups, a.kernel, a.kernel], p.weight!);
      if (p.bias) add(`${at}.bias`, [a.outChannels], p.bias);
    } else if (isLinear(n)) {
      add(`${at}.weight`, [n.attrs.outFeatures, cin], p.weight!);
      if (p.bias) add(`${at}.bias`, [n.attrs.outFeatures], p.bias);
    } else if (n.op === 'batchnorm') {
      const c = n.shape.c;
      add(`${at}.weight`, [c], p.weight!);
      add(`${at}.bias`, [c], p.bias!);
      add(`${at}.running_mean`, [c], p.mean!);
      add(`${at}.running_var`, [c], p.variance!);
      out.push({ key: `${at}.num_batches_tracked`, dtype: 'I64', shape: [], bytes: new Uint8Array(8) });
    } else {
      fail(`node ${n.id} (${n.scope}) has parameters but no PyTorch module`);
    }
  }
  return out;
}

/** The safetensors file of a state dict. */
export function toSafetensors(tensors: readonly StateTensor[], metadata: Record<string, string> = {}): Uint8Array {
  const header: Record<string, unknown> = { __metadata__: metadata };
  let offset = 0;
  for (const t of tensors) {
    header[t.key] = { dtype: t.dtype, shape: t.shape, data_offsets: [offset, offset + t.bytes.length] };
    offset += t.bytes.length;
  }
  let json = JSON.stringify(header);
  // The data starts 8-byte aligned (the format pads the header with spaces).
  json += ' '.repeat((8 - ((8 + Buffer.byteLength(json)) % 8)) % 8);
  const head = Buffer.from(json, 'utf8');
  const out = new Uint8Array(8 + head.length + offset);
  new DataView(out.buffer).setBigUint64(0, BigInt(head.length), true);
  out.set(head, 8);
  let at = 8 + head.length;
  for (const t of tensors) {
    out.set(t.bytes, at);
    at += t.bytes.length;
  }
  return out;
}

/** Pickle protocol 2 opcodes used by the state-dict pickle. */
class Pickler {
  private parts: number[] = [0x80, 2];
  private raw(...bytes: number[]): this {
    this.parts.push(...bytes);
    return this;
  }
  global(module: string, name: string): this {
    return this.raw(0x63, ...Buffer.from(`${module}\n${name}\n`, 'latin1'));
  }
  str(s: string): this {
    const b = Buffer.from(s, 'utf8');
    const len = Buffer.alloc(4);
    len.writeUInt32LE(b.length);
    return this.raw(0x58, ...len, ...b);
  }
  int(n: number): this {
    if (!Number.isInteger(n) || n < 0 || n > 0x7fffffff) fail(`pickle: integer ${n} out of range`);
    if (n < 256) return this.raw(0x4b, n);
    const b = Buffer.alloc(4);
    b.writeInt32LE(n);
    return this.raw(0x4a, ...b);
  }
  mark(): this {
    return this.raw(0x28);
  }
  tuple(): this {
    return this.raw(0x74);
  }
  emptyTuple(): this {
    return this.raw(0x29);
  }
  reduce(): this {
    return this.raw(0x52);
  }
  persId(): this {
    return this.raw(0x51);
  }
  falsy(): this {
    return this.raw(0x89);
  }
  setItems(): this {
    return this.raw(0x75);
  }
  ints(values: number[]): this {
    this.mark();
    for (const v of values) this.int(v);
    return this.tuple();
  }
  done(): Uint8Array {
    this.parts.push(0x2e);
    return Uint8Array.from(this.parts);
  }
}

/** The data.pkl of torch.save(state_dict): storages are persistent ids `('storage', type, key, 'cpu', numel)`. */
function statePickle(tensors: readonly StateTensor[]): Uint8Array {
  const p = new Pickler();
  p.global('collections', 'OrderedDict').emptyTuple().reduce().mark();
  tensors.forEach((t, k) => {
    const numel = t.shape.reduce((a, b) => a * b, 1);
    const strides = t.shape.map((_, i) => t.shape.slice(i + 1).reduce((a, b) => a * b, 1));
    p.str(t.key).global('torch._utils', '_rebuild_tensor_v2').mark();
    p.mark()
      .str('storage')
      .global('torch', t.dtype === 'F32' ? 'FloatStorage' : 'LongStorage')
      .str(String(k))
      .str('cpu')
      .int(numel)
      .tuple()
      .persId();
    p.int(0).ints(t.shape).ints(strides).falsy();
    p.global('collections', 'OrderedDict').emptyTuple().reduce();
    p.tuple().reduce();
  });
  return p.setItems().done();
}

const CRC_TABLE = (() => {
  const t = new Uint32Array(256);
  for (let n = 0; n < 256; n++) {
    let c = n;
    for (let k = 0; k < 8; k++) c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
    t[n] = c >>> 0;
  }
  return t;
})();

function crc32(b: Uint8Array): number {
  let c = 0xffffffff;
  for (let i = 0; i < b.length; i++) c = CRC_TABLE[(c ^ b[i]!) & 0xff]! ^ (c >>> 8);
  return (c ^ 0xffffffff) >>> 0;
}

/**
 * A zip archive of stored (uncompressed) entries, each entry's data 64-byte aligned (as torch.save does,
 * so readers may map it), with a fixed DOS date (1980-01-01): the same entries give the same bytes.
 */
export function storedZip(entries: readonly { name: string; data: Uint8Array }[]): Uint8Array {
  const chunks: Uint8Array[] = [];
  const central: Uint8Array[] = [];
  let offset = 0;
  const DOS_DATE = (0 << 9) | (1 << 5) | 1;
  for (const e of entries) {
    const name = Buffer.from(e.name, 'utf8');
    const crc = crc32(e.data);
    const base = offset + 30 + name.length;
    const pad = (64 - ((base + 4) % 64)) % 64;
    const extraLen = 4 + pad;
    const local = Buffer.alloc(30 + name.length + extraLen);
    local.writeUInt32LE(0x04034b50, 0);
    local.writeUInt16LE(20, 4); // version needed
    local.writeUInt16LE(0, 6); // flags
    local.writeUInt16LE(0, 8); // stored
    local.writeUInt16LE(0, 10); // time
    local.writeUInt16LE(DOS_DATE, 12);
    local.writeUInt32LE(crc, 14);
    local.writeUInt32LE(e.data.length, 18);
    local.writeUInt32LE(e.data.length, 22);
    local.writeUInt16LE(name.length, 26);
    local.writeUInt16LE(extraLen, 28);
    name.copy(local, 30);
    // Padding as an extra field of an unregistered id ('FB', as PyTorch's writer uses).
    local.writeUInt16LE(0x4246, 30 + name.length);
    local.writeUInt16LE(pad, 32 + name.length);
    const cd = Buffer.alloc(46 + name.length);
    cd.writeUInt32LE(0x02014b50, 0);
    cd.writeUInt16LE(20, 4);
    cd.writeUInt16LE(20, 6);
    cd.writeUInt16LE(0, 8);
    cd.writeUInt16LE(0, 10);
    cd.writeUInt16LE(0, 12);
    cd.writeUInt16LE(DOS_DATE, 14);
    cd.writeUInt32LE(crc, 16);
    cd.writeUInt32LE(e.data.length, 20);
    cd.writeUInt32LE(e.data.length, 24);
    cd.writeUInt16LE(name.length, 28);
    cd.writeUInt32LE(offset, 42);
    name.copy(cd, 46);
    chunks.push(local, e.data);
    central.push(cd);
    offset += local.length + e.data.length;
  }
  const cdSize = central.reduce((a, c) => a + c.length, 0);
  const end = Buffer.alloc(22);
  end.writeUInt32LE(0x06054b50, 0);
  end.writeUInt16LE(entries.length, 8);
  end.writeUInt16LE(entries.length, 10);
  end.writeUInt32LE(cdSize, 12);
  end.writeUInt32LE(offset, 16);
  return Buffer.concat([...chunks, ...central, end]);
}

/** The torch.save zip of a state dict (readable with torch.load(weights_only=True)). */
export function toTorchPt(tensors: readonly StateTensor[]): Uint8Array {
  return storedZip([
    { name: 'archive/data.pkl', data: statePickle(tensors) },
    ...tensors.map((t, k) => ({ name: `archive/data/${k}`, data: t.bytes })),
    { name: 'archive/version', data: Buffer.from('3\n') },
  ]);
}

/** The weights file for a path by its extension, or undefined for an extension neither format has. */
export function weightsFormat(path: string): 'safetensors' | 'pt' | undefined {
  if (/\.safetensors$/i.test(path)) return 'safetensors';
  if (/\.(pt|pth)$/i.test(path)) return 'pt';
  return undefined;
}
