/**
 * Value codec: turns a task value into one JSON header plus binary frames, and back.
 *
 * Values are JSON-able data (including NaN, ±Infinity, -0 and undefined), bigints, typed arrays of
 * every kind, and plain objects/arrays nesting them. Every typed array becomes its own frame (a view
 * over the same bytes, so sending it through ZeroMQ is zero-copy); the header records the frame index,
 * element type and length, and {@link decode} checks the header against the frames it is given.
 *
 * Header encoding: plain arrays and objects are written as JSON; special leaves are objects whose
 * first key is {@link TAG} (a NUL character). A user object that itself has that key is wrapped, so no
 * user value can be mistaken for a tag.
 *
 * @packageDocumentation
 */
import { DislibError, ParameterError } from '../errors.js';

/** A value encoded for the wire: a JSON header and the binary frames it references, in order. */
export interface Encoded {
  /** JSON text of the value with typed arrays replaced by frame references. */
  readonly header: string;
  /** One frame per typed array, each a byte view over that array's memory. */
  readonly frames: readonly Uint8Array[];
}

/** A header or its frames are malformed (wrong frame count, length mismatch, unknown tag). */
export class CodecError extends DislibError {}

/** Key that marks a tagged leaf in the header (NUL cannot appear by accident in normal keys). */
const TAG = '\u0000';

const TYPED_ARRAYS = {
  Int8Array,
  Uint8Array,
  Uint8ClampedArray,
  Int16Array,
  Uint16Array,
  Int32Array,
  Uint32Array,
  Float32Array,
  Float64Array,
  BigInt64Array,
  BigUint64Array,
} as const;

/** Name of a typed-array constructor the codec carries. */
export type TypedArrayName = keyof typeof TYPED_ARRAYS;

/** Any typed array the codec carries. */
export type TypedArray = InstanceType<(typeof TYPED_ARRAYS)[TypedArrayName]>;

/** Hooks that let callers carry references (futures) inside values. */
export interface EncodeHooks {
  /** Returns a reference key for values that stand for another object (a future), else undefined. */
  readonly refOf?: (value: object) => string | undefined;
}

/** Hooks used by {@link decode} to replace references by their values. */
export interface DecodeHooks {
  /** Returns the value that the reference `key` stands for. */
  readonly resolve?: (key: string) => unknown;
  /** Copy every frame instead of viewing it (so the caller may mutate the result freely). */
  readonly copy?: boolean;
}

/** Result of {@link encode}: the encoded value and the reference keys found in it (in first-seen order). */
export interface EncodeResult extends Encoded {
  readonly refs: readonly string[];
}

function typedArrayName(v: ArrayBufferView): TypedArrayName | undefined {
  for (const name of Object.keys(TYPED_ARRAYS) as TypedArrayName[]) {
    if (v instanceof TYPED_ARRAYS[name]) return name;
  }
  return undefined;
}

function isPlainObject(v: object): boolean {
  const proto = Object.getPrototypeOf(v) as unknown;
  return proto === Object.prototype || proto === null;
}

function describe(v: unknown): string {
  if (typeof v === 'object' && v !== null) return (v.constructor as { name?: string } | undefined)?.name ?? 'object';
  return typeof v;
}

/**
 * Encodes `value`.
 *
 * @throws {@link ParameterError} when the value contains something the codec cannot carry
 *   (functions, symbols, class instances, Maps, Dates, cycles); `context.path` says where.
 * @example
 * ```ts
 * const e = encode({ w: new Float64Array([1, 2]), n: NaN });
 * decode(e).w; // Float64Array [1, 2]
 * ```
 */
export function encode(value: unknown, hooks: EncodeHooks = {}): EncodeResult {
  const frames: Uint8Array[] = [];
  const refs: string[] = [];
  const seenRefs = new Set<string>();
  const stack = new Set<object>();

  const walk = (v: unknown, path: string): unknown => {
    switch (typeof v) {
      case 'string':
      case 'boolean':
        return v;
      case 'number':
        if (Number.isFinite(v) && !Object.is(v, -0)) return v;
        return { [TAG]: 'n', v: Object.is(v, -0) ? '-0' : String(v) };
      case 'undefined':
        return { [TAG]: 'u' };
      case 'bigint':
        return { [TAG]: 'b', v: v.toString() };
      case 'object': {
        if (v === null) return null;
        const ref = hooks.refOf?.(v);
        if (ref !== undefined) {
          if (!seenRefs.has(ref)) {
            seenRefs.add(ref);
            refs.push(ref);
          }
          return { [TAG]: 'r', k: ref };
        }
        if (ArrayBuffer.isView(v)) {
          const name = typedArrayName(v);
          if (name === undefined) break;
          frames.push(new Uint8Array(v.buffer, v.byteOffset, v.byteLength));
          return { [TAG]: 't', t: name, f: frames.length - 1, n: (v as TypedArray).length };
        }
        if (stack.has(v)) throw new ParameterError('value', `cycle at ${path}`, { path });
        stack.add(v);
        let out: unknown;
        if (Array.isArray(v)) {
          out = v.map((x, i) => walk(x, `${path}[${i}]`));
        } else if (isPlainObject(v)) {
          const o: Record<string, unknown> = {};
          for (const k of Object.keys(v)) o[k] = walk((v as Record<string, unknown>)[k], `${path}.${k}`);
          out = Object.hasOwn(o, TAG) ? { [TAG]: 'o', v: o } : o;
        } else {
          stack.delete(v);
          break;
        }
        stack.delete(v);
        return out;
      }
      default:
        break;
    }
    throw new ParameterError('value', `cannot encode ${describe(v)} at ${path} (allowed: JSON data, typed arrays, plain objects/arrays)`, {
      path,
    });
  };

  const tree = walk(value, '$');
  return { header: JSON.stringify(tree), frames, refs };
}

/** Total bytes of an encoded value (header text plus frames). */
export function encodedBytes(e: Encoded): number {
  let n = e.header.length;
  for (const f of e.frames) n += f.byteLength;
  return n;
}

function viewOf(name: TypedArrayName, frame: Uint8Array, length: number, copy: boolean): TypedArray {
  const Ctor = TYPED_ARRAYS[name];
  const bpe = Ctor.BYTES_PER_ELEMENT;
  if (frame.byteLength !== length * bpe) {
    throw new CodecError(`frame holds ${frame.byteLength} bytes, header says ${name}[${length}] (${length * bpe} bytes)`, {
      expected: length * bpe,
      found: frame.byteLength,
    });
  }
  if (!copy && frame.byteOffset % bpe === 0) return new Ctor(frame.buffer as ArrayBuffer, frame.byteOffset, length) as TypedArray;
  const bytes = new Uint8Array(frame.byteLength);
  bytes.set(frame);
  return new Ctor(bytes.buffer, 0, length) as TypedArray;
}

/**
 * Decodes an {@link Encoded} value, validating the header against the frames.
 *
 * @throws {@link CodecError} when the header is not valid JSON, a tag is unknown, a frame index is out of
 *   range or used twice, a frame's length does not match its declared type, or frames are left unused.
 */
export function decode(e: Encoded, hooks: DecodeHooks = {}): unknown {
  let tree: unknown;
  try {
    tree = JSON.parse(e.header);
  } catch (err) {
    throw new CodecError(`header is not valid JSON: ${(err as Error).message}`);
  }
  const used = new Uint8Array(e.frames.length);
  const copy = hooks.copy ?? false;

  const walk = (v: unknown): unknown => {
    if (typeof v !== 'object' || v === null) return v;
    if (Array.isArray(v)) {
      for (let i = 0; i < v.length; i++) v[i] = walk(v[i]);
      return v;
    }
    const o = v as Record<string, unknown>;
    const tag = o[TAG];
    if (tag === undefined) {
      for (const k of Object.keys(o)) o[k] = walk(o[k]);
      return o;
    }
    switch (tag) {
      case 'n':
        if (o.v === 'NaN') return NaN;
        if (o.v === 'Infinity') return Infinity;
        if (o.v === '-Infinity') return -Infinity;
        if (o.v === '-0') return -0;
        break;
      case 'u':
        return undefined;
      case 'b':
        if (typeof o.v === 'string' && /^-?\d+$/.test(o.v)) return BigInt(o.v);
        break;
      case 'r':
        if (typeof o.k !== 'string') break;
        if (hooks.resolve === undefined) throw new CodecError(`unexpected reference ${o.k} in value`, { key: o.k });
        return hooks.resolve(o.k);
      case 'o': {
        const inner = o.v;
        if (typeof inner !== 'object' || inner === null || Array.isArray(inner)) break;
        const r = inner as Record<string, unknown>;
        for (const k of Object.keys(r)) r[k] = walk(r[k]);
        return r;
      }
      case 't': {
        const { t, f, n } = o;
        if (typeof t !== 'string' || !Object.hasOwn(TYPED_ARRAYS, t)) break;
        if (typeof f !== 'number' || !Number.isInteger(f) || f < 0 || f >= e.frames.length) {
          throw new CodecError(`frame index ${String(f)} out of range (${e.frames.length} frames)`, { frame: f });
        }
        if (typeof n !== 'number' || !Number.isInteger(n) || n < 0) break;
        if (used[f] === 1) throw new CodecError(`frame ${f} referenced twice`, { frame: f });
        used[f] = 1;
        return viewOf(t as TypedArrayName, e.frames[f] as Uint8Array, n, copy);
      }
      default:
        break;
    }
    throw new CodecError(`malformed tagged value ${JSON.stringify({ ...o, [TAG]: undefined, tag })}`);
  };

  const out = walk(tree);
  const unused = used.indexOf(0);
  if (unused !== -1) throw new CodecError(`frame ${unused} is not referenced by the header`, { frame: unused });
  return out;
}
