import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { encodeNpy, parseNpy, readNpy, writeNpy } from '../../src/main/io/npy.js';
import { tmpDir } from './make-project.js';

/** Hand-made .npy bytes: magic, version, header length (uint16 for 1.x, uint32 for 2.x/3.x), padded header, data. */
function npyBytes(opts: { major?: number; header: string; data: ArrayBuffer; pad?: boolean }): Uint8Array {
  const major = opts.major ?? 1;
  const pre = major === 1 ? 10 : 12;
  let header = opts.header;
  if (opts.pad !== false) {
    const total = Math.ceil((pre + header.length + 1) / 64) * 64;
    header = header + ' '.repeat(total - pre - header.length - 1) + '\n';
  }
  const hb = Buffer.from(header, major === 3 ? 'utf8' : 'latin1');
  const out = Buffer.alloc(pre + hb.length + opts.data.byteLength);
  out.set([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59, major, 0]);
  if (major === 1) out.writeUInt16LE(hb.length, 8);
  else out.writeUInt32LE(hb.length, 8);
  hb.copy(out, pre);
  Buffer.from(opts.data).copy(out, pre + hb.length);
  return out;
}

function f32le(values: number[]): ArrayBuffer {
  const dv = new DataView(new ArrayBuffer(values.length * 4));
  values.forEach((v, i) => dv.setFloat32(i * 4, v, true));
  return dv.buffer;
}
function f64le(values: number[]): ArrayBuffer {
  const dv = new DataView(new ArrayBuffer(values.length * 8));
  values.forEach((v, i) => dv.setFloat64(i * 8, v, true));
  return dv.buffer;
}

describe('npy', () => {
  it('reads a hand-made version 1.0 float32 file', () => {
    const b = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (2, 3), }", data: f32le([1, 2, 3, 4.5, -5, 6e-3]) });
    const m = parseNpy(b, 'a.npy');
    expect([m.rows, m.cols]).toEqual([2, 3]);
    expect(Array.from(m.data)).toEqual([1, 2, 3, 4.5, -5, Math.fround(6e-3)]);
  });

  it('reads a version 2.0 header with float64 data (converted to float32), keys in any order', () => {
    const b = npyBytes({ major: 2, header: '{"shape": (2, 2), "fortran_order": False, "descr": "<f8"}', data: f64le([0.1, 0.2, 1e10, -3]) });
    const m = parseNpy(b, 'b.npy');
    expect([m.rows, m.cols]).toEqual([2, 2]);
    expect(Array.from(m.data)).toEqual([0.1, 0.2, 1e10, -3].map(Math.fround));
  });

  it('reads a version 3.0 (UTF-8) header and an unpadded header', () => {
    const b3 = npyBytes({ major: 3, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2), }", data: f32le([7, 8]) });
    expect(Array.from(parseNpy(b3, 'c.npy').data)).toEqual([7, 8]);
    const raw = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1)}\n", data: f32le([9]), pad: false });
    expect(Array.from(parseNpy(raw, 'd.npy').data)).toEqual([9]);
  });

  it('round-trips through encodeNpy and a file, with the data 64-byte aligned', () => {
    const data = Float32Array.from({ length: 5 * 7 }, (_, i) => Math.sin(i) * 100);
    const bytes = encodeNpy({ rows: 5, cols: 7, data });
    const headerLen = Buffer.from(bytes).readUInt16LE(8);
    expect((10 + headerLen) % 64).toBe(0);
    expect(Buffer.from(bytes).toString('latin1', 10, 10 + headerLen)).toContain("'descr': '<f4', 'fortran_order': False, 'shape': (5, 7)");
    expect(bytes.length).toBe(10 + headerLen + 35 * 4);
    const file = path.join(tmpDir(), 'e.npy');
    writeNpy(file, { rows: 5, cols: 7, data });
    const back = readNpy(file);
    expect([back.rows, back.cols]).toEqual([5, 7]);
    expect(Array.from(back.data)).toEqual(Array.from(data));
  });

  it('refuses a bad dtype naming the file, the dtype and the shape', () => {
    const b = npyBytes({ header: "{'descr': '<i4', 'fortran_order': False, 'shape': (2, 3), }", data: new ArrayBuffer(24) });
    expect(() => parseNpy(b, 'ints.npy')).toThrow(/ints\.npy.*'<i4'.*\(2, 3\)/);
    const be = npyBytes({ header: "{'descr': '>f4', 'fortran_order': False, 'shape': (2, 3), }", data: new ArrayBuffer(24) });
    expect(() => parseNpy(be, 'big.npy')).toThrow(/big\.npy.*'>f4'/);
  });

  it('refuses 1-D and 3-D shapes, Fortran order and empty matrices', () => {
    const one = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (6,), }", data: new ArrayBuffer(24) });
    expect(() => parseNpy(one, 'v.npy')).toThrow(/v\.npy.*shape \(6,\).*2-D/);
    const three = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 2, 3), }", data: new ArrayBuffer(24) });
    expect(() => parseNpy(three, 't.npy')).toThrow(/shape \(1, 2, 3\)/);
    const fort = npyBytes({ header: "{'descr': '<f4', 'fortran_order': True, 'shape': (2, 3), }", data: new ArrayBuffer(24) });
    expect(() => parseNpy(fort, 'f.npy')).toThrow(/Fortran order/);
    const empty = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (0, 3), }", data: new ArrayBuffer(0) });
    expect(() => parseNpy(empty, 'z.npy')).toThrow(/empty/);
  });

  it('refuses a shape that does not match the byte length', () => {
    const b = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 3), }", data: f32le([1, 2, 3, 4, 5, 6, 7, 8]) });
    expect(() => parseNpy(b, 'short.npy')).toThrow(/short\.npy.*expected 36 data bytes.*has 32/);
  });

  it('refuses bad magic, versions and malformed headers', () => {
    expect(() => parseNpy(Buffer.from('PK\x03\x04 not npy at all'), 'x.npz')).toThrow(/x\.npz.*not a NumPy \.npy file/);
    const v4 = npyBytes({ major: 2, header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), }", data: f32le([1]) });
    v4[6] = 4;
    expect(() => parseNpy(v4, 'v4.npy')).toThrow(/version 4\.0/);
    const noShape = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, }", data: f32le([1]) });
    expect(() => parseNpy(noShape, 'ns.npy')).toThrow(/no 'shape'/);
    const extra = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (1, 1), 'x': 1}", data: f32le([1]) });
    expect(() => parseNpy(extra, 'ex.npy')).toThrow(/unexpected key 'x'/);
  });

  it('refuses NaN and infinity naming the row, and float64 beyond the float32 range', () => {
    const nan = npyBytes({ header: "{'descr': '<f4', 'fortran_order': False, 'shape': (3, 2), }", data: f32le([1, 2, 3, NaN, 5, 6]) });
    expect(() => parseNpy(nan, 'nan.npy')).toThrow(/nan\.npy: row 1 \(0-based\), column 1 is NaN/);
    const inf = npyBytes({ header: "{'descr': '<f8', 'fortran_order': False, 'shape': (3, 1), }", data: f64le([1, 2, -Infinity]) });
    expect(() => parseNpy(inf, 'inf.npy')).toThrow(/row 2 .*-Infinity/);
    const big = npyBytes({ header: "{'descr': '<f8', 'fortran_order': False, 'shape': (2, 1), }", data: f64le([1e300, 0]) });
    expect(() => parseNpy(big, 'big.npy')).toThrow(/row 0 .*float32 range/);
  });

  it('reads a file written by NumPy itself when python3 with numpy is present', async () => {
    const { spawnSync } = await import('node:child_process');
    const dir = tmpDir();
    const file = path.join(dir, 'np.npy');
    const r = spawnSync('python3', ['-c', `import numpy as np; np.save(${JSON.stringify(file)}, np.arange(12, dtype='<f4').reshape(3, 4) / 4)`]);
    if (r.status !== 0 || !fs.existsSync(file)) return; // numpy not installed: the hand-made files above cover the format
    const m = readNpy(file);
    expect([m.rows, m.cols]).toEqual([3, 4]);
    expect(Array.from(m.data)).toEqual(Array.from({ length: 12 }, (_, i) => i / 4));
  });
});
