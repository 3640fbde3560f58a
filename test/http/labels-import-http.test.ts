/**
 * Labels import, image lookup and program labels over the HTTP transport,
 * called through the browser's own client (createHttpApi) against the real
 * service: the labels stored are the ones the file gives, on the images it names.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { LabelerService } from '../../src/main/service/labeler-service.js';
import { startHttpTransport, type HttpTransport } from '../../src/main/http/http-transport.js';
import { createHttpApi } from '../../src/renderer/api/http-api.js';
import type { DesktopApi } from '../../src/renderer/api/desktop-api.js';
import { makeDemoSubset, type DemoSubset } from '../helpers/demo-subset.js';

let tmp: string;
let subset: DemoSubset;
let svc: LabelerService;
let server: HttpTransport;
let api: DesktopApi;
const realFetch = globalThis.fetch;

/** The page's window as far as the client reads it: the address (token in the fragment), history, sessionStorage. */
function pageWindow(hash: string): Window {
  const stored = new Map<string, string>();
  return {
    location: { hash, pathname: '/', search: '' },
    history: { state: null, replaceState: () => undefined },
    sessionStorage: {
      getItem: (k: string) => stored.get(k) ?? null,
      setItem: (k: string, v: string) => void stored.set(k, v),
      removeItem: (k: string) => void stored.delete(k),
    },
  } as unknown as Window;
}

beforeAll(async () => {
  tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'nl-http-labels-'));
  subset = makeDemoSubset(1, 'nl-http-labels-images-');
  const staticDir = path.join(tmp, 'static');
  fs.mkdirSync(staticDir);
  fs.writeFileSync(path.join(staticDir, 'index.html'), '<!doctype html><title>t</title>');
  svc = await LabelerService.create({ dataDir: path.join(tmp, 'data') });
  await svc.invoke('project:create', { path: path.join(tmp, 'p.nlproj'), settings: { testFraction: 0 } });
  await svc.invoke('images:import', { folder: subset.images });
  server = await startHttpTransport(svc, { port: 0, staticDir });
  // A page fetches relative to its own address: resolve the client's relative URLs against the server.
  globalThis.fetch = ((input: string | URL | Request, init?: RequestInit) =>
    realFetch(typeof input === 'string' ? new URL(input, `${server.origin}/`) : input, init)) as typeof fetch;
  api = await createHttpApi(pageWindow(`#token=${server.token}`));
  expect(api.accessProblem).toBeUndefined();
});

afterAll(async () => {
  globalThis.fetch = realFetch;
  await server?.close();
  svc?.close();
  fs.rmSync(tmp, { recursive: true, force: true });
  if (subset) fs.rmSync(subset.root, { recursive: true, force: true });
});

/** relPath -> stored angle (null: no orientation), read back over HTTP. */
async function storedByPath(): Promise<Map<string, number | null>> {
  const labels = await api.invoke('labels:list', {});
  return new Map(labels.map((l) => [svc.project.getImage(l.imageId)!.relPath, l.value.kind === 'angle' ? l.value.angle : null]));
}

describe('labels:import over HTTP', () => {
  it('stores the angles of the file against the images it names, wrapped into [0, 360)', async () => {
    const rels = [...subset.truth.keys()].slice(0, 4);
    expect(rels).toHaveLength(4);
    const file = path.join(tmp, 'labels.csv');
    // angles as an annotator might write them; the stored value is the angle wrapped by hand: -30 -> 330, 400 -> 40
    fs.writeFileSync(file, `path,angle\n${rels[0]},12.5\n${rels[1]},-30\n${rels[2]},400\n${rels[3]},none\n`);
    const r = await api.invoke('labels:import', { file });
    expect(r).toEqual({ imported: 4, replaced: 0, unchanged: 0 });
    const stored = await storedByPath();
    expect(stored).toEqual(
      new Map<string, number | null>([
        [rels[0]!, 12.5],
        [rels[1]!, 330],
        [rels[2]!, 40],
        [rels[3]!, null],
      ]),
    );
    const labels = await api.invoke('labels:list', {});
    expect(new Set(labels.map((l) => l.source))).toEqual(new Set(['import']));

    // a second file changing one of them: the change is counted as a replacement; the repeated one keeps its row
    const firstRow = labels.find((l) => svc.project.getImage(l.imageId)!.relPath === rels[0]);
    const again = path.join(tmp, 'again.csv');
    fs.writeFileSync(again, `path,angle\n${rels[0]},12.5\n${rels[1]},90\n`);
    expect(await api.invoke('labels:import', { file: again })).toEqual({ imported: 1, replaced: 1, unchanged: 1 });
    expect((await storedByPath()).get(rels[1]!)).toBe(90);
    const after = await api.invoke('labels:list', {});
    expect(after.find((l) => l.imageId === firstRow!.imageId)).toEqual(firstRow);
  });

  it('refuses a file naming an image the project lacks, storing nothing', async () => {
    const before = (await api.invoke('labels:list', {})).length;
    const file = path.join(tmp, 'unknown.csv');
    fs.writeFileSync(file, `path,angle\nno-such-class/none.png,10\n`);
    await expect(api.invoke('labels:import', { file })).rejects.toMatchObject({ code: 'invalid-file', message: expect.stringContaining(file) });
    expect(await api.invoke('labels:list', {})).toHaveLength(before);
  });

  it('finds an image by its path relative to its folder, and stores program labels checked by the schema', async () => {
    const rel = [...subset.truth.keys()][5]!;
    const { imageId } = await api.invoke('images:resolve', { ref: rel });
    expect(svc.project.getImage(imageId)!.relPath).toBe(rel);
    expect(
      await api.invoke('labels:add', {
        labels: [{ imageId, value: { kind: 'angle', angle: 200 as never }, arm: 'none' }],
        annotator: 'script',
        source: 'simulated',
      }),
    ).toEqual({ added: 1 });
    expect((await storedByPath()).get(rel)).toBe(200);
    await expect(
      api.invoke('labels:add', { labels: [{ imageId, value: { kind: 'sideways' } as never }], annotator: 'script', source: 'simulated' }),
    ).rejects.toMatchObject({ code: 'invalid-argument' });
  });
});
