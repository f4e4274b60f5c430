import { expect } from 'chai';
import { spawn } from 'node:child_process';
import { mkdir, mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { hostname, tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { decode, encode, type Encoded } from '../../lib/runtime/codec.js';
import { ObjectStore, StoreError } from '../../lib/runtime/store.js';
import { ParameterError } from '../../lib/errors.js';

const MB = 1 << 20;

/** An encoded block of `n` float64 whose values depend on `seed`. */
function block(seed: number, n: number): Encoded {
  const data = new Float64Array(n);
  for (let i = 0; i < n; i++) data[i] = seed * 1e6 + i + 0.25;
  return encode({ seed, data, meta: [NaN, -0, 'x'] });
}

function check(e: Encoded | undefined, seed: number, n: number): void {
  expect(e).to.not.equal(undefined);
  const v = decode(e as Encoded) as { seed: number; data: Float64Array; meta: unknown[] };
  expect(v.seed).to.equal(seed);
  expect(v.data.length).to.equal(n);
  expect(v.data[0]).to.equal(seed * 1e6 + 0.25);
  expect(v.data[n - 1]).to.equal(seed * 1e6 + n - 1 + 0.25);
  expect(Number.isNaN(v.meta[0])).to.equal(true);
  expect(Object.is(v.meta[1], -0)).to.equal(true);
}

describe('runtime object store', () => {
  let root: string;
  const stores: ObjectStore[] = [];
  const open = (memoryLimit: number, onBackgroundError?: (e: StoreError) => void): ObjectStore => {
    const s = new ObjectStore({ memoryLimit, target: 1, spillDir: root, ...(onBackgroundError ? { onBackgroundError } : {}) });
    stores.push(s);
    return s;
  };

  beforeEach(async () => {
    root = await mkdtemp(join(tmpdir(), 'dislib-store-test-'));
  });
  afterEach(async () => {
    await Promise.all(stores.splice(0).map((s) => s.close()));
    await rm(root, { recursive: true, force: true });
  });

  it('keeps objects in memory under the limit and writes no file', async () => {
    const s = open(10 * MB);
    await s.put('a', block(1, 1000), { recomputeOnly: false });
    await s.put('b', block(2, 1000), { recomputeOnly: false });
    expect(s.where('a')).to.equal('memory');
    expect(s.bytesOnDisk).to.equal(0);
    expect(s.spillDirectory).to.equal(undefined);
    expect(await readdir(root)).to.deep.equal([]);
    check(await s.get('b'), 2, 1000);
  });

  it('spills least-recently-used objects past the limit and reads them back intact', async () => {
    const n = 131072; // 1 MiB of float64 each
    const s = open(3.5 * MB);
    for (let i = 0; i < 8; i++) await s.put(`k${i}`, block(i, n), { recomputeOnly: false });
    expect(s.bytesInMemory).to.be.at.most(3.5 * MB);
    expect(['k0', 'k1', 'k2', 'k3', 'k4'].map((k) => s.where(k))).to.deep.equal(['disk', 'disk', 'disk', 'disk', 'disk']);
    expect(['k5', 'k6', 'k7'].map((k) => s.where(k))).to.deep.equal(['memory', 'memory', 'memory']);
    const files = await readdir(s.spillDirectory as string);
    expect(files).to.have.length(5);
    expect(s.counters.bytesSpilled).to.be.greaterThan(5 * 8 * n);
    expect(s.bytesOnDisk).to.equal(s.counters.bytesSpilled);

    for (let i = 0; i < 8; i++) check(await s.get(`k${i}`), i, n);
    expect(s.counters.bytesUnspilled).to.be.greaterThan(5 * 8 * n);
    expect(s.bytesInMemory).to.be.at.most(3.5 * MB);
    // Reading k0..k7 in order leaves k5..k7 the most recent again; each object was written once.
    expect(['k5', 'k6', 'k7'].map((k) => s.where(k))).to.deep.equal(['memory', 'memory', 'memory']);
    expect(await readdir(s.spillDirectory as string)).to.have.length(8);
  });

  it('uses recency, not insertion order, to pick what to spill', async () => {
    const s = open(2.5 * MB);
    for (const k of ['a', 'b']) await s.put(k, block(1, 131072), { recomputeOnly: false });
    await s.get('a');
    await s.put('c', block(3, 131072), { recomputeOnly: false });
    expect([s.where('a'), s.where('b'), s.where('c')]).to.deep.equal(['memory', 'disk', 'memory']);
  });

  it('never spills a pinned object, and frees memory once it is unpinned', async () => {
    const s = open(1.5 * MB);
    await s.put('p', block(1, 131072), { recomputeOnly: false });
    s.pin('p');
    await s.put('q', block(2, 131072), { recomputeOnly: false });
    await s.put('r', block(3, 131072), { recomputeOnly: false });
    expect([s.where('p'), s.where('q'), s.where('r')]).to.deep.equal(['memory', 'disk', 'memory']);
    s.unpin('p');
    for (let i = 0; i < 100 && s.where('p') !== 'disk'; i++) await new Promise((r) => setTimeout(r, 10));
    expect(s.where('p')).to.equal('disk');
    check(await s.get('p'), 1, 131072);
  });

  it('drops recompute-only objects instead of spilling them', async () => {
    const s = open(1.5 * MB);
    await s.put('gen', block(1, 131072), { recomputeOnly: true });
    await s.put('x', block(2, 131072), { recomputeOnly: false });
    expect(s.where('gen')).to.equal('dropped');
    expect(s.has('gen')).to.equal(false);
    expect(await s.get('gen')).to.equal(undefined);
    expect(s.counters.dropped).to.equal(1);
    expect(s.counters.bytesSpilled).to.equal(0);
    expect(s.spillDirectory).to.equal(undefined);
    // Recomputed and stored again: usable like any object.
    await s.put('gen', block(1, 131072), { recomputeOnly: true });
    check(await s.get('gen'), 1, 131072);
  });

  it('handles an object larger than the limit: alone in memory, then on disk', async () => {
    const s = open(1 * MB);
    await s.put('big', block(7, 3 * 131072), { recomputeOnly: false });
    expect(s.where('big')).to.equal('memory');
    await s.put('small', block(8, 1000), { recomputeOnly: false });
    expect(s.where('big')).to.equal('disk');
    check(await s.get('big'), 7, 3 * 131072);
    expect(s.where('big')).to.equal('memory');
    expect(s.where('small')).to.equal('disk');
  });

  it('delete removes the spill file; close removes the spill directory', async () => {
    const s = open(1.5 * MB);
    for (let i = 0; i < 4; i++) await s.put(`k${i}`, block(i, 131072), { recomputeOnly: false });
    const dir = s.spillDirectory as string;
    expect(await readdir(dir)).to.have.length(3);
    s.delete('k0');
    s.delete('k3');
    expect(s.where('k0')).to.equal(undefined);
    for (let i = 0; i < 50 && (await readdir(dir)).length !== 2; i++) await new Promise((r) => setTimeout(r, 10));
    expect(await readdir(dir)).to.have.length(2);
    expect(s.bytesOnDisk).to.equal(s.counters.bytesSpilled - 8 * 131072 - block(0, 131072).header.length);
    await s.close();
    expect(await readdir(root)).to.deep.equal([]);
    await s.close(); // idempotent
    let err: unknown;
    await s.put('z', block(1, 10), { recomputeOnly: false }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(StoreError);
  });

  it("removes this host's spill directories of dead workers on its first spill, and no other", async () => {
    // A pid that is surely gone: a child that has exited.
    const dead = await new Promise<number>((resolve) => {
      const child = spawn(process.execPath, ['-e', '0']);
      child.on('exit', () => resolve(child.pid as number));
    });
    const host = hostname().replace(/[^A-Za-z0-9.-]/g, '_');
    const names = {
      dead: `dislib-spill-${host}-${dead}-0123456789ab`,
      live: `dislib-spill-${host}-${process.pid}-0123456789ab`,
      otherHost: `dislib-spill-${host}x-${dead}-0123456789ab`,
      notOurs: `other-${dead}-0123456789ab`,
    };
    for (const name of Object.values(names)) await mkdir(join(root, name));
    await writeFile(join(root, names.dead, 'k0'), 'left by a killed worker');
    const s = open(1.5 * MB);
    for (let i = 0; i < 3; i++) await s.put(`k${i}`, block(i, 131072), { recomputeOnly: false });
    const left = await readdir(root);
    expect(left).to.not.include(names.dead);
    expect(left).to.include.members([names.live, names.otherHost, names.notOurs]);
    expect(left).to.include(basename(s.spillDirectory as string));
  });

  it('treats a vanished or corrupt spill file as a dropped object (recompute from lineage)', async () => {
    const s = open(1.5 * MB);
    for (let i = 0; i < 4; i++) await s.put(`k${i}`, block(i, 131072), { recomputeOnly: false });
    const dir = s.spillDirectory as string;
    const files = (await readdir(dir)).sort();
    await rm(join(dir, files[0] as string));
    await writeFile(join(dir, files[1] as string), 'garbage');
    expect(await s.get('k0')).to.equal(undefined);
    expect(await s.get('k1')).to.equal(undefined);
    expect(s.where('k0')).to.equal('dropped');
    expect(s.counters.dropped).to.equal(2);
    check(await s.get('k2'), 2, 131072);
  });

  it('reports an unwritable spill directory as a StoreError and keeps the object', async () => {
    const notADir = join(root, 'file');
    await writeFile(notADir, 'x');
    const s = new ObjectStore({ memoryLimit: 1.5 * MB, target: 1, spillDir: notADir });
    stores.push(s);
    await s.put('a', block(1, 131072), { recomputeOnly: false });
    let err: unknown;
    await s.put('b', block(2, 131072), { recomputeOnly: false }).catch((e: unknown) => (err = e));
    expect(err).to.be.instanceOf(StoreError);
    expect((err as StoreError).context.key).to.equal('a');
    check(await s.get('a'), 1, 131072);
    check(await s.get('b'), 2, 131072);
  });

  it('serves concurrent reads of a spilled object with one read-back', async () => {
    const s = open(1.5 * MB);
    for (let i = 0; i < 3; i++) await s.put(`k${i}`, block(i, 131072), { recomputeOnly: false });
    const got = await Promise.all([s.get('k0'), s.get('k0'), s.get('k0')]);
    got.forEach((e) => check(e, 0, 131072));
    expect(s.counters.bytesUnspilled).to.be.lessThan(2 * 8 * 131072);
  });

  it('keeps its objects under half the memory limit by default', async () => {
    const s = new ObjectStore({ memoryLimit: 4.5 * MB, spillDir: root });
    stores.push(s);
    for (let i = 0; i < 6; i++) await s.put(`k${i}`, block(i, 131072), { recomputeOnly: false });
    expect(s.bytesInMemory).to.be.at.most(2.25 * MB);
    expect([0, 1, 2, 3, 4, 5].map((i) => s.where(`k${i}`))).to.deep.equal(['disk', 'disk', 'disk', 'disk', 'memory', 'memory']);
  });

  it('rejects bad options', () => {
    expect(() => new ObjectStore({ memoryLimit: MB, target: 0, spillDir: root })).to.throw(ParameterError, /target/);
    expect(() => new ObjectStore({ memoryLimit: MB, target: 1.5, spillDir: root })).to.throw(ParameterError, /target/);
    expect(() => new ObjectStore({ memoryLimit: 0, spillDir: root })).to.throw(ParameterError, /memoryLimit/);
    expect(() => new ObjectStore({ memoryLimit: 1, spillDir: '' })).to.throw(ParameterError, /spillDir/);
  });
});
