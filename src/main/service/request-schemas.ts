/**
 * Runtime validation of every operation's request (zod), so that a transport
 * (HTTP, Electron IPC) hands the service only well-formed, typed requests.
 * The schemas mirror `ApiOperations` in src/shared/api.ts; the mapped type
 * below makes the compiler check each schema's output against the contract.
 * Objects are strict: an unknown field is refused, not ignored.
 */
import { projectSettingsObject } from '../store/settings-schema.js';
import { z } from 'zod';
import type { OperationName, RequestOf } from '../../shared/api.js';
import type { Degrees } from '../../shared/angle.js';
import { ORIENTATION_MODELS, type ImageId, type JobId } from '../../shared/types.js';
import { EMBEDDERS, STRATEGIES } from '../../shared/types.js';
import { AppError } from '../../shared/errors.js';

const empty = z.strictObject({});
/** Absolute or relative filesystem path chosen by the user (the service resolves and checks it). */
const pathText = z.string().min(1).max(4096);
const imageId = z
  .number()
  .int()
  .positive()
  .max(Number.MAX_SAFE_INTEGER)
  .transform((n) => n as ImageId);
const degrees = z
  .number()
  .finite()
  .transform((n) => n as Degrees);
const strategy = z.enum(STRATEGIES);
const arm = z.enum(['novelty', 'random', 'test', 'none']);
const labelSource = z.enum(['import', 'simulated']);
const annotator = z.string().min(1).max(200);
const durationMs = z
  .number()
  .int()
  .min(0)
  .max(7 * 24 * 3600 * 1000);
const labelValue = z.discriminatedUnion('kind', [z.strictObject({ kind: z.literal('angle'), angle: degrees }), z.strictObject({ kind: z.literal('none') })]);
const backend = z.enum(['auto', 'tensorflow-gpu', 'tensorflow', 'wasm', 'cpu']);
/** Settings a new project may give: the store's own schema, every field optional. */
const settings = z.strictObject(projectSettingsObject.shape).partial();

/** What a labeling view asks to be shown next (see NextRequest); lists bounded so one request stays small. */
const nextRequest = z.strictObject({
  showing: z.array(imageId).max(16),
  skipped: z.array(imageId).max(10_000).optional(),
  count: z.number().int().min(1).max(4).optional(),
  guess: z.boolean().optional(),
});

type Schemas = { readonly [K in OperationName]: z.ZodType<RequestOf<K>, unknown> };

/** One schema per operation of the API contract. */
export const REQUEST_SCHEMAS: Schemas = {
  'app:info': empty,
  'project:create': z.strictObject({ path: pathText, settings: settings.optional(), folder: pathText.optional() }),
  'project:open': z.strictObject({ path: pathText }),
  'project:close': empty,
  'project:status': empty,
  'project:set-strategy': z.strictObject({ strategy }),
  'images:import': z.strictObject({ folder: pathText, test: z.boolean().optional() }),
  'images:unreadable': empty,
  'images:resolve': z.strictObject({ ref: z.string().min(1).max(4096) }),
  'embed:run': z.strictObject({
    epochs: z.number().int().min(1).max(10_000).optional(),
    backend: backend.optional(),
    fromFile: pathText.optional(),
    embedder: z.enum(EMBEDDERS).optional(),
  }),
  'order:run': z.strictObject({ strategy: strategy.optional(), seed: z.number().int().optional() }),
  'queue:next': z.strictObject({ count: z.number().int().min(1).max(1000), mode: z.enum(['queue', 'test']).optional() }),
  'label:set': z.strictObject({
    imageId,
    angle: degrees.nullable(),
    durationMs: durationMs.optional(),
    annotator: annotator.optional(),
    arm: arm.optional(),
    next: nextRequest.optional(),
  }),
  'queue:upcoming': nextRequest,
  'queue:predict': z.strictObject({ imageIds: z.array(imageId).max(64) }),
  'label:undo': empty,
  'label:skip': z.strictObject({ imageId, next: nextRequest.optional() }),
  'labels:list': empty,
  'labels:import': z.strictObject({ file: pathText, annotator: annotator.optional(), source: labelSource.optional(), split: z.literal('test').optional() }),
  'labels:read': z.strictObject({ file: pathText }),
  'labels:add': z.strictObject({
    labels: z.array(z.strictObject({ imageId, value: labelValue, arm: arm.optional(), durationMs: durationMs.optional() })).max(100_000),
    annotator,
    source: labelSource,
  }),
  'evaluate:run': empty,
  'compare:run': z.strictObject({
    truthFile: pathText.optional(),
    sizes: z.array(z.number().int().min(1)).min(1).max(1000),
    seeds: z.number().int().min(1).max(1000),
    strategies: z.array(z.string().min(1).max(64)).max(32).optional(),
    outDir: pathText.optional(),
    overwrite: z.boolean().optional(),
    orientationModel: z.enum(ORIENTATION_MODELS).optional(),
  }),
  'curve:get': empty,
  'latent:map': empty,
  'export:run': z.strictObject({
    format: z.enum(['csv', 'jsonl', 'coco', 'folder']),
    out: pathText,
    upright: z.boolean().optional(),
    overwrite: z.boolean().optional(),
  }),
  'job:cancel': z.strictObject({
    jobId: z
      .string()
      .min(1)
      .max(200)
      .transform((s) => s as JobId),
  }),
};

/** True when `op` names an operation of the contract (guards against prototype keys such as "__proto__"). */
export function isOperationName(op: string): op is OperationName {
  return Object.prototype.hasOwnProperty.call(REQUEST_SCHEMAS, op);
}

/**
 * Validate a request for `op`.
 * @throws AppError('invalid-argument') naming the operation and the first bad field.
 */
export function parseRequest<K extends OperationName>(op: K, body: unknown): RequestOf<K> {
  const schema = REQUEST_SCHEMAS[op] as z.ZodType<RequestOf<K>, unknown>;
  const r = schema.safeParse(body ?? {});
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue && issue.path.length > 0 ? issue.path.join('.') : 'request';
    throw new AppError('invalid-argument', `${op}: ${where}: ${issue?.message ?? 'invalid request'}`);
  }
  return r.data;
}
