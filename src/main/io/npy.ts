/**
 * NumPy .npy files: read versions 1.0, 2.0 and 3.0; write version 1.0 (2.0 when
 * the header does not fit in 65,535 bytes).
 *
 * Format (NEP 1, numpy.lib.format): magic "\x93NUMPY", major, minor, header
 * length (uint16 LE in 1.x, uint32 LE in 2.x/3.x), an ASCII (3.x: UTF-8) Python
 * dict literal {'descr': ..., 'fortran_order': ..., 'shape': (...), } padded with
 * spaces and ended by '\n', then the raw data.
 *
 * Accepted here: 2-D C-order matrices of little-endian float32 ('<f4') or
 * float64 ('<f8', converted to float32). Everything else is refused with an
 * AppError('invalid-file') naming the file and what was found. Values must be
 * finite: NaN and +-Infinity (also float64 values beyond the float32 range) are
 * refused naming the row.
 */
import fs from 'node:fs';
import { AppError } from '../../shared/errors.js';

const MAGIC = Buffer.from([0x93, 0x4e, 0x55, 0x4d, 0x50, 0x59]); // \x93NUMPY

/** A row-major rows x cols float32 matrix. */
export interface Float32Matrix {
  readonly rows: number;
  readonly cols: number;
  /** Row-major, length rows * cols. */
  readonly data: Float32Array;
}

interface NpyHeader {
  descr: string;
  fortranOrder: boolean;
  shape: number[];
}

const bad = (name: string, msg: string): AppError => new AppError('invalid-file', `${name}: ${msg}`);

/**
 * Parse the header dict strictly: exactly the keys descr, fortran_order, shape,
 * in any order, Python literal syntax (quoted strings, True/False, tuple of ints).
 */
function parseHeaderDict(text: string, name: string): NpyHeader {
  let i = 0;
  const ws = (): void => {
    while (i < text.length && /\s/.test(text[i]!)) i++;
  };
  const expect = (ch: string): void => {
    ws();
    if (text[i] !== ch) throw bad(name, `malformed .npy header (expected "${ch}" at character ${i}): ${JSON.stringify(text.trim())}`);
    i++;
  };
  const str = (): string => {
    ws();
    const q = text[i];
    if (q !== "'" && q !== '"') throw bad(name, `malformed .npy header (expected a quoted string at character ${i})`);
    const end = text.indexOf(q, i + 1);
    if (end < 0) throw bad(name, 'malformed .npy header (unterminated string)');
    const s = text.slice(i + 1, end);
    i = end + 1;
    return s;
  };
  const value = (key: string): string | boolean | number[] => {
    ws();
    if (key === 'descr') return str();
    if (key === 'fortran_order') {
      if (text.startsWith('True', i)) {
        i += 4;
        return true;
      }
      if (text.startsWith('False', i)) {
        i += 5;
        return false;
      }
      throw bad(name, 'malformed .npy header (fortran_order must be True or False)');
    }
    // shape: a tuple of non-negative integers, "()" "(3,)" "(3, 4)" (numpy may write "3L" on Python 2)
    expect('(');
    const dims: number[] = [];
    for (;;) {
      ws();
      if (text[i] === ')') {
        i++;
        break;
      }
      const m = /^(\d+)L?/.exec(text.slice(i));
      if (!m) throw bad(name, `malformed .npy header (shape must be a tuple of integers) at character ${i}`);
      dims.push(Number(m[1]));
      i += m[0].length;
      ws();
      if (text[i] === ',') i++;
      else if (text[i] !== ')') throw bad(name, 'malformed .npy header (shape tuple)');
    }
    return dims;
  };
  expect('{');
  const seen = new Map<string, string | boolean | number[]>();
  for (;;) {
    ws();
    if (text[i] === '}') {
      i++;
      break;
    }
    const key = str();
    if (!['descr', 'fortran_order', 'shape'].includes(key)) throw bad(name, `unexpected key '${key}' in the .npy header`);
    if (seen.has(key)) throw bad(name, `key '${key}' appears twice in the .npy header`);
    expect(':');
    seen.set(key, value(key));
    ws();
    if (text[i] === ',') i++;
    else if (text[i] !== '}') throw bad(name, `malformed .npy header after '${key}'`);
  }
  if (text.slice(i).trim() !== '') throw bad(name, 'malformed .npy header (text after the dict)');
  for (const k of ['descr', 'fortran_order', 'shape']) {
    if (!seen.has(k)) throw bad(name, `the .npy header has no '${k}'`);
  }
  return { descr: seen.get('descr') as string, fortranOrder: seen.get('fortran_order') as boolean, shape: seen.get('shape') as number[] };
}

/**
 * Parse .npy bytes into a float32 matrix (see the module doc for what is accepted).
 * @param name the file name, used in error messages.
 * @throws AppError('invalid-file') naming `name` and the magic, version, dtype, shape,
 *   byte length or row at fault.
 */
export function parseNpy(bytes: Uint8Array, name: string): Float32Matrix {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf.length < 10 || !buf.subarray(0, 6).equals(MAGIC)) {
    throw bad(name, 'not a NumPy .npy file (it does not start with "\\x93NUMPY"); save it with numpy.save');
  }
  const major = buf[6]!;
  const minor = buf[7]!;
  if (![1, 2, 3].includes(major) || minor !== 0) {
    throw bad(name, `.npy format version ${major}.${minor} is not supported (1.0, 2.0 and 3.0 are)`);
  }
  const lenBytes = major === 1 ? 2 : 4;
  if (buf.length < 8 + lenBytes) throw bad(name, 'truncated .npy header');
  const headerLen = major === 1 ? buf.readUInt16LE(8) : buf.readUInt32LE(8);
  const dataStart = 8 + lenBytes + headerLen;
  if (dataStart > buf.length) throw bad(name, `truncated .npy header (says ${headerLen} bytes, file has ${buf.length - 8 - lenBytes})`);
  const headerBytes = buf.subarray(8 + lenBytes, dataStart);
  const header = major === 3 ? new TextDecoder('utf-8', { fatal: true }).decode(headerBytes) : headerBytes.toString('latin1');
  if (major < 3 && /[^\x20-\x7e\n]/.test(header)) throw bad(name, '.npy header has non-ASCII characters (only allowed in version 3.0)');
  if (!header.endsWith('\n')) throw bad(name, '.npy header does not end with a newline');
  const h = parseHeaderDict(header, name);

  const found = `dtype '${h.descr}', shape (${h.shape.join(', ')}${h.shape.length === 1 ? ',' : ''})${h.fortranOrder ? ', Fortran order' : ''}`;
  if (h.descr !== '<f4' && h.descr !== '<f8') {
    throw bad(name, `found ${found}; need little-endian float32 ('<f4') or float64 ('<f8'): save with arr.astype('<f4')`);
  }
  if (h.shape.length !== 2) throw bad(name, `found ${found}; need a 2-D matrix N x d (one row per image)`);
  if (h.fortranOrder) throw bad(name, `found ${found}; need C order: save with numpy.ascontiguousarray(arr)`);
  const [rows, cols] = h.shape as [number, number];
  if (rows < 1 || cols < 1) throw bad(name, `found ${found}; the matrix is empty`);
  const item = h.descr === '<f4' ? 4 : 8;
  const expected = rows * cols * item;
  const actual = buf.length - dataStart;
  if (actual !== expected) {
    throw bad(
      name,
      `found ${found}: expected ${expected} data bytes (${rows} x ${cols} x ${item}) but the file has ${actual}; it is truncated or not a plain .npy`,
    );
  }

  const data = new Float32Array(rows * cols);
  const view = new DataView(buf.buffer, buf.byteOffset + dataStart, actual);
  for (let k = 0; k < data.length; k++) {
    const v = item === 4 ? view.getFloat32(k * 4, true) : view.getFloat64(k * 8, true);
    const f = Math.fround(v);
    if (!Number.isFinite(f)) {
      const what = Number.isNaN(v) ? 'NaN' : Number.isFinite(v) ? `${v} (beyond the float32 range)` : String(v);
      throw bad(name, `row ${Math.floor(k / cols)} (0-based), column ${k % cols} is ${what}; every value must be a finite number`);
    }
    data[k] = f;
  }
  return { rows, cols, data };
}

/**
 * Read a .npy file as a float32 matrix.
 * @throws AppError('not-found') when the file cannot be read; AppError('invalid-file') as parseNpy.
 */
export function readNpy(file: string): Float32Matrix {
  let bytes: Buffer;
  try {
    bytes = fs.readFileSync(file);
  } catch (e) {
    throw new AppError('not-found', `${file} cannot be read (${(e as Error).message})`);
  }
  return parseNpy(bytes, file);
}

/**
 * Encode a row-major rows x cols float32 matrix as .npy bytes ('<f4', C order),
 * format 1.0 with the header padded so the data starts at a multiple of 64 bytes.
 * @throws AppError('invalid-argument') when data.length !== rows * cols.
 */
export function encodeNpy(m: Float32Matrix): Uint8Array {
  const { rows, cols, data } = m;
  if (!Number.isInteger(rows) || !Number.isInteger(cols) || rows < 0 || cols < 0 || data.length !== rows * cols) {
    throw new AppError('invalid-argument', `matrix of ${data.length} values is not ${rows} x ${cols}`);
  }
  const dict = `{'descr': '<f4', 'fortran_order': False, 'shape': (${rows}, ${cols}), }`;
  let major = 1;
  let pre = 10;
  let total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  if (total - pre > 0xffff) {
    major = 2;
    pre = 12;
    total = Math.ceil((pre + dict.length + 1) / 64) * 64;
  }
  const header = dict + ' '.repeat(total - pre - dict.length - 1) + '\n';
  const out = Buffer.alloc(total + data.length * 4);
  MAGIC.copy(out, 0);
  out[6] = major;
  out[7] = 0;
  if (major === 1) out.writeUInt16LE(header.length, 8);
  else out.writeUInt32LE(header.length, 8);
  out.write(header, pre, 'latin1');
  const view = new DataView(out.buffer, out.byteOffset + total, data.length * 4);
  for (let k = 0; k < data.length; k++) view.setFloat32(k * 4, data[k]!, true);
  return out;
}

/** Write a float32 matrix to a .npy file (see encodeNpy). */
export function writeNpy(file: string, m: Float32Matrix): void {
  fs.writeFileSync(file, encodeNpy(m));
}
