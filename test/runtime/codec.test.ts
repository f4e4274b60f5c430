import { expect } from 'chai';
import { CodecError, decode, encode } from '../../lib/runtime/codec.js';
import { ParameterError } from '../../lib/errors.js';

describe('runtime codec', () => {
  it('round-trips JSON data, special numbers, undefined and bigint', () => {
    const v = { a: [1, 'x', null, true, NaN, Infinity, -Infinity, -0, undefined], b: { c: 10n, d: -5n }, e: '' };
    const e = encode(v);
    expect(e.frames).to.have.length(0);
    const d = decode(e) as typeof v;
    expect(d.a.slice(0, 4)).to.deep.equal([1, 'x', null, true]);
    expect(Number.isNaN(d.a[4])).to.equal(true);
    expect(d.a[5]).to.equal(Infinity);
    expect(d.a[6]).to.equal(-Infinity);
    expect(Object.is(d.a[7], -0)).to.equal(true);
    expect(d.a).to.have.length(9);
    expect(d.a[8]).to.equal(undefined);
    expect(d.b).to.deep.equal({ c: 10n, d: -5n });
  });

  it('carries every typed-array kind as its own frame, including subarray views', () => {
    const arrays = [
      new Int8Array([-1, 2]),
      new Uint8Array([1, 255]),
      new Uint8ClampedArray([3]),
      new Int16Array([-300]),
      new Uint16Array([60000]),
      new Int32Array([-1e9]),
      new Uint32Array([4e9]),
      new Float32Array([1.5, NaN]),
      new Float64Array([1, 2, 3, 4]).subarray(1, 3),
      new BigInt64Array([-1n]),
      new BigUint64Array([2n ** 63n]),
    ];
    const e = encode({ arrays });
    expect(e.frames).to.have.length(arrays.length);
    const d = decode(e) as { arrays: ArrayBufferView[] };
    d.arrays.forEach((x, i) => {
      expect(x.constructor).to.equal(arrays[i]?.constructor);
      expect(Array.from(x as Float64Array)).to.deep.equal(Array.from(arrays[i] as Float64Array));
    });
  });

  it('escapes user objects that use the tag key', () => {
    const v = { '\u0000': 'n', v: 'NaN', nested: [{ '\u0000': 't', f: 0 }] };
    expect(decode(encode(v))).to.deep.equal(v);
  });

  it('copies frames when asked, so the decoded value does not alias the source', () => {
    const a = new Float64Array([1, 2]);
    const d = decode(encode(a), { copy: true }) as Float64Array;
    d[0] = 7;
    expect(a[0]).to.equal(1);
  });

  it('rejects values it cannot carry, naming the path', () => {
    expect(() => encode({ x: [new Map()] })).to.throw(ParameterError, '$.x[0]');
    expect(() => encode({ f: () => 1 })).to.throw(ParameterError, 'function');
    const cyc: Record<string, unknown> = {};
    cyc.self = cyc;
    expect(() => encode(cyc)).to.throw(ParameterError, 'cycle');
    expect(() => encode(new DataView(new ArrayBuffer(4)))).to.throw(ParameterError, 'DataView');
  });

  it('validates the header against the frames', () => {
    const e = encode([new Float64Array(3)]);
    expect(() => decode({ header: e.header, frames: [] })).to.throw(CodecError, 'out of range');
    expect(() => decode({ header: e.header, frames: [new Uint8Array(23)] })).to.throw(CodecError, '24 bytes');
    expect(() => decode({ header: e.header, frames: [new Uint8Array(24), new Uint8Array(8)] })).to.throw(CodecError, 'not referenced');
    expect(() => decode({ header: '[{"\\u0000":"t","t":"Float64Array","f":0,"n":1},{"\\u0000":"t","t":"Float64Array","f":0,"n":1}]', frames: [new Uint8Array(8)] })).to.throw(CodecError, 'twice');
    expect(() => decode({ header: '{"\\u0000":"t","t":"Function","f":0,"n":1}', frames: [new Uint8Array(8)] })).to.throw(CodecError, 'malformed');
    expect(() => decode({ header: '{"\\u0000":"zz"}', frames: [] })).to.throw(CodecError, 'malformed');
    expect(() => decode({ header: '{', frames: [] })).to.throw(CodecError, 'JSON');
  });

  it('copies a misaligned frame instead of failing', () => {
    const bytes = new Uint8Array(17);
    new Float64Array(bytes.buffer, 8, 1)[0] = 2.5;
    const frame = bytes.subarray(1, 17);
    frame.set(bytes.subarray(8, 16), 0);
    const d = decode({ header: '{"\\u0000":"t","t":"Float64Array","f":0,"n":2}', frames: [frame] }) as Float64Array;
    expect(d[0]).to.equal(2.5);
  });

  it('turns references into resolved values and lists them', () => {
    const marker = { ref: 'k1' };
    const e = encode([marker, { y: marker }], { refOf: (v) => (v === marker ? 'k1' : undefined) });
    expect(e.refs).to.deep.equal(['k1']);
    expect(decode(e, { resolve: (k) => `value-of-${k}` })).to.deep.equal(['value-of-k1', { y: 'value-of-k1' }]);
    expect(() => decode(e)).to.throw(CodecError, 'reference');
  });
});
