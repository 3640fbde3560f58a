import fs from 'node:fs';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseCsvTable, parseStrictNumber, readCsvTable } from '../../src/main/io/csv-table.js';
import { readLabelsCsv } from '../../src/main/import/labels-import.js';
import { makeProject, tmpDir } from './make-project.js';

const TEXT = '# comment\npath,angle\nä/img.jpg,90\n';

function utf16be(s: string): Buffer {
  const le = Buffer.from(s, 'utf16le');
  const be = Buffer.alloc(le.length);
  for (let i = 0; i < le.length; i += 2) {
    be[i] = le[i + 1]!;
    be[i + 1] = le[i]!;
  }
  return be;
}

describe('readCsvTable encodings', () => {
  const dir = tmpDir();
  const write = (name: string, bytes: Buffer): string => {
    const f = path.join(dir, name);
    fs.writeFileSync(f, bytes);
    return f;
  };
  const expected = { header: ['path', 'angle'], headerLine: 2, rows: [{ line: 3, cells: ['ä/img.jpg', '90'] }] };

  it('strips a UTF-8 byte-order mark', () => {
    const t = readCsvTable(write('u8.csv', Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from(TEXT, 'utf8')])));
    expect(t).toMatchObject(expected);
  });

  it('decodes UTF-16 LE and BE files with a byte-order mark', () => {
    const le = readCsvTable(write('le.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')])));
    expect(le).toMatchObject(expected);
    const be = readCsvTable(write('be.csv', Buffer.concat([Buffer.from([0xfe, 0xff]), utf16be(TEXT)])));
    expect(be).toMatchObject(expected);
  });

  it('a UTF-16 labels file (as Excel saves "Unicode text") imports', () => {
    const root = tmpDir();
    const { store, ids } = makeProject([{ folder: path.join(root, 'f'), relPath: 'ä/img.jpg' }], {}, root);
    const f = write('labels16.csv', Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]));
    expect(readLabelsCsv(store, f).map((r) => [r.imageId, r.value])).toEqual([[ids[0], { kind: 'angle', angle: 90 }]]);
  });

  it('refuses UTF-32, UTF-16 without a byte-order mark and invalid UTF-8 with "save it as UTF-8"', () => {
    const u32 = Buffer.alloc(4 + TEXT.length * 4);
    u32.set([0xff, 0xfe, 0, 0]);
    for (let i = 0; i < TEXT.length; i++) u32.writeUInt32LE(TEXT.charCodeAt(i), 4 + 4 * i);
    expect(() => readCsvTable(write('u32.csv', u32))).toThrow(/u32\.csv .*UTF-32.*save it as UTF-8/);
    expect(() => readCsvTable(write('nobom.csv', Buffer.from(TEXT, 'utf16le')))).toThrow(/nobom\.csv .*(NUL|UTF-16).*save it as UTF-8/);
    const latin1 = Buffer.from('path,angle\nr\xe9sum\xe9.jpg,90\n', 'latin1');
    expect(() => readCsvTable(write('latin1.csv', latin1))).toThrow(/latin1\.csv line 2: not valid UTF-8.*save it as UTF-8/);
  });

  it('refuses text that was decoded from UTF-16 as UTF-8', () => {
    const garbled = Buffer.concat([Buffer.from([0xff, 0xfe]), Buffer.from(TEXT, 'utf16le')]).toString('utf8');
    expect(() => parseCsvTable(garbled, 'g.csv')).toThrow(/g\.csv .*UTF-16.*save it as UTF-8/);
  });
});

describe('delimiter and decimal comma', () => {
  it('detects comma, semicolon and tab from the header, ignoring separators inside quotes', () => {
    const rows = (text: string) => parseCsvTable(text, 'd.csv');
    expect(rows('path,angle\na.jpg,12.5\n')).toMatchObject({
      delimiter: ',',
      decimalComma: false,
      header: ['path', 'angle'],
      rows: [{ cells: ['a.jpg', '12.5'] }],
    });
    expect(rows('path;angle\na.jpg;12,5\n')).toMatchObject({
      delimiter: ';',
      decimalComma: true,
      header: ['path', 'angle'],
      rows: [{ cells: ['a.jpg', '12,5'] }],
    });
    expect(rows('path\tangle\na;b.jpg\t12,5\n')).toMatchObject({ delimiter: '\t', header: ['path', 'angle'], rows: [{ cells: ['a;b.jpg', '12,5'] }] });
    // two semicolons inside a quoted column name, one comma outside: a comma file
    expect(rows('"x;y;z",angle\n"1;2;3",4\n')).toMatchObject({ delimiter: ',', header: ['x;y;z', 'angle'] });
    // a single column: comma (nothing to split)
    expect(rows('path\na.jpg\n')).toMatchObject({ delimiter: ',', header: ['path'] });
  });

  it('a row with a different field count names the separator found in the header', () => {
    expect(() => parseCsvTable('path;angle\na.jpg,12\n', 'm.csv')).toThrow(
      /m\.csv line 2: 1 fields, but the header \(line 1\) has 2 columns \(path, angle; fields separated by semicolons/,
    );
  });

  it('parseStrictNumber reads one decimal comma only when asked', () => {
    expect(parseStrictNumber('12,5', { decimalComma: true })).toBe(12.5);
    expect(parseStrictNumber('-0,25', { decimalComma: true })).toBe(-0.25);
    expect(parseStrictNumber(',5', { decimalComma: true })).toBe(0.5);
    expect(parseStrictNumber('12.5', { decimalComma: true })).toBe(12.5);
    expect(parseStrictNumber('12,5')).toBeNull();
    expect(parseStrictNumber('1.234,5', { decimalComma: true })).toBeNull();
    expect(parseStrictNumber('1,2,3', { decimalComma: true })).toBeNull();
  });

  it('a semicolon file with decimal commas (as spreadsheets in many locales save) imports its labels', () => {
    const root = tmpDir();
    const folder = path.join(root, 'f');
    const { store, ids } = makeProject(
      [
        { folder, relPath: 'img.jpg' },
        { folder, relPath: 'b.jpg' },
      ],
      {},
      root,
    );
    const f = path.join(root, 'semi.csv');
    fs.writeFileSync(f, 'path;angle\r\nimg.jpg;12,5\r\nb.jpg;370\r\n');
    expect(readLabelsCsv(store, f).map((r) => [r.imageId, r.value])).toEqual([
      [ids[0], { kind: 'angle', angle: 12.5 }],
      [ids[1], { kind: 'angle', angle: 10 }],
    ]);
    const tab = path.join(root, 'tab.csv');
    fs.writeFileSync(tab, 'path\tangle\nimg.jpg\t0,75\n');
    expect(readLabelsCsv(store, tab).map((r) => r.value)).toEqual([{ kind: 'angle', angle: 0.75 }]);
    // in a comma file a quoted "12,5" stays refused, and the message says how to write it
    const comma = path.join(root, 'comma.csv');
    fs.writeFileSync(comma, 'path,angle\nimg.jpg,"12,5"\n');
    expect(() => readLabelsCsv(store, comma)).toThrow(/"12,5" is not a number of degrees \(a decimal comma: write 237\.5, or separate the fields with ";"/);
  });
});
