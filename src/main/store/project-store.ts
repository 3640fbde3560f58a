/**
 * The project store: one SQLite file holding images, model inputs,
 * embeddings, labels, orders, models and learning curves. Image files stay
 * where they are, referenced by absolute path and SHA-256.
 *
 * ProjectStore is the one door to a project: it opens the database
 * (database.ts: open, migrate, transaction, error mapping) and composes one
 * store per concept (settings, folders, images, labels, models, embeddings,
 * orders and queue, curve, status), each with its own SQL. The connection is
 * private to src/main/store; everything else calls these methods.
 */
import fs from 'node:fs';
import { AppError } from '../../shared/errors.js';
import type {
  CompareVerdictReport,
  CurvePoint,
  EmbeddingInfo,
  FolderRole,
  ImageId,
  ImageRecord,
  ImageStatus,
  LabelId,
  LabelRecord,
  ModelId,
  OrderId,
  ProjectSettings,
  ProjectStatus,
  QueueEntry,
} from '../../shared/types.js';
import { ProjectDatabase } from './database.js';
import { CurveStore } from './curve-store.js';
import { EmbeddingStore } from './embedding-store.js';
import { FolderStore } from './folder-store.js';
import { ImageStore } from './image-store.js';
import { LabelStore } from './label-store.js';
import { ModelStore } from './model-store.js';
import { OrderStore } from './order-store.js';
import { now } from './rows.js';
import { SettingsStore, newProjectSettings, type SettingsPatch } from './settings-store.js';
import { projectStatus } from './status.js';
import type { EmbeddingMatrix, NewCurvePoint, NewEmbeddings, NewImage, NewLabel, NewModel, NewOrder, StoredModel } from './store-types.js';

export { BUSY_TIMEOUT_MS, mapStoreError } from './database-errors.js';
export { SAVE_ORDER_CHUNK, SAVE_ORDER_PAUSE_MS } from './order-store.js';
export type { EmbeddingMatrix, NewCurvePoint, NewEmbeddings, NewImage, NewLabel, NewModel, NewOrder, OrderEntryInput, StoredModel } from './store-types.js';

export class ProjectStore {
  readonly path: string;
  readonly #db: ProjectDatabase;
  readonly #settings: SettingsStore;
  readonly #folders: FolderStore;
  readonly #images: ImageStore;
  readonly #labels: LabelStore;
  readonly #models: ModelStore;
  readonly #embeddings: EmbeddingStore;
  readonly #orders: OrderStore;
  readonly #curve: CurveStore;

  private constructor(db: ProjectDatabase) {
    this.path = db.path;
    this.#db = db;
    this.#settings = new SettingsStore(db);
    this.#folders = new FolderStore(db);
    this.#images = new ImageStore(db, this.#settings, this.#folders);
    this.#labels = new LabelStore(db, this.#settings, this.#images);
    this.#models = new ModelStore(db);
    this.#embeddings = new EmbeddingStore(db);
    this.#orders = new OrderStore(db);
    this.#curve = new CurveStore(db, this.#settings);
  }

  /**
   * Create a new project file with the given settings.
   * @throws AppError('invalid-argument') when the file exists or a setting is out of range.
   */
  static create(path: string, settings: Partial<ProjectSettings> = {}): ProjectStore {
    if (fs.existsSync(path)) {
      throw new AppError('invalid-argument', `${path} already exists; open it, or choose another file name for the new project`);
    }
    const parsed = newProjectSettings(settings);
    ProjectDatabase.create(path, [
      ['settings', JSON.stringify(parsed)],
      ['created_at', now()],
    ]);
    return ProjectStore.open(path);
  }

  /**
   * Open an existing project, migrating an older schema.
   * @throws AppError('not-found' | 'not-a-project' | 'project-too-new')
   */
  static open(path: string, options: { readonly readonly?: boolean } = {}): ProjectStore {
    return new ProjectStore(ProjectDatabase.open(path, options));
  }

  close(): void {
    this.#db.close();
  }

  /**
   * Run fn in one transaction (all or nothing), taking the write lock first (BEGIN IMMEDIATE).
   * @throws AppError('project-in-use') when another process holds the lock too long.
   */
  transaction<T>(fn: () => T): T {
    try {
      return this.#db.transaction(fn);
    } catch (e) {
      // a settings change inside the rolled-back transaction must not survive in the cache
      this.#settings.forget();
      throw e;
    }
  }

  // settings (settings-store.ts)
  get settings(): ProjectSettings {
    return this.#settings.current;
  }
  reloadSettings(): ProjectSettings {
    return this.#settings.reload();
  }
  /** Change the settings that may change after creation (strategy, testFraction, testMax, orientationModel; embeddingTurns and embedder: take effect at the next embed). */
  updateSettings(patch: SettingsPatch): ProjectSettings {
    return this.#settings.update(patch);
  }
  getMeta(key: string): string | null {
    return this.#settings.getMeta(key);
  }
  setMeta(key: string, value: string): void {
    this.#settings.setMeta(key, value);
  }

  // folders (folder-store.ts)
  folderId(absFolder: string, role?: FolderRole): number {
    return this.#folders.folderId(absFolder, role);
  }
  listFolders(): { id: number; path: string; role: FolderRole }[] {
    return this.#folders.list();
  }
  folderRoleOfImage(id: ImageId): FolderRole {
    return this.#folders.roleOfImage(id);
  }
  folderOfEachImage(): Map<ImageId, number> {
    return this.#folders.folderOfEachImage();
  }
  hasTestFolder(): boolean {
    return this.#folders.hasTestFolder();
  }
  renameFolder(folderId: number, newAbsFolder: string): void {
    this.#folders.rename(folderId, newAbsFolder);
  }
  relinkFolder(folderId: number, newAbsFolder: string, joinPath: (folder: string, rel: string) => string): void {
    this.#folders.relink(folderId, newAbsFolder, joinPath);
  }

  // images (image-store.ts)
  insertImage(img: NewImage): ImageId {
    return this.#images.insert(img);
  }
  updateImageContent(id: ImageId, img: Omit<NewImage, 'folderId' | 'relPath' | 'absPath'>): void {
    this.#images.updateContent(id, img);
  }
  setImageStatus(id: ImageId, status: ImageStatus, error: string | null): void {
    this.#images.setStatus(id, status, error);
  }
  moveImage(id: ImageId, folderId: number, relPath: string, absPath: string): void {
    this.#images.move(id, folderId, relPath, absPath);
  }
  refreshDuplicates(sha256: string): void {
    this.#images.refreshDuplicates(sha256);
  }
  listPresentImagePaths(): { id: ImageId; absPath: string }[] {
    return this.#images.listPresentPaths();
  }
  listFolderImages(folderId: number): ReturnType<ImageStore['listInFolder']> {
    return this.#images.listInFolder(folderId);
  }
  setImagePath(id: ImageId, absPath: string): void {
    this.#images.setPath(id, absPath);
  }
  setImagePaths(id: ImageId, relPath: string, absPath: string): void {
    this.#images.setPaths(id, relPath, absPath);
  }
  maxImageId(): number {
    return this.#images.maxId();
  }
  imageFolderId(id: ImageId): number | undefined {
    return this.#images.folderIdOf(id);
  }
  imageFileStamp(id: ImageId): { sizeBytes: number | null; mtimeMs: number | null } {
    return this.#images.fileStamp(id);
  }
  recordImageMtime(id: ImageId, mtimeMs: number): void {
    this.#images.recordMtime(id, mtimeMs);
  }
  modelInputLength(id: ImageId): number | null {
    return this.#images.modelInputLength(id);
  }
  dropDerivedData(id: ImageId): void {
    this.#images.dropDerivedData(id);
  }
  getImage(id: ImageId): ImageRecord | null {
    return this.#images.get(id);
  }
  findImageByPath(absPath: string): ImageRecord | null {
    return this.#images.findByPath(absPath);
  }
  findImagesBySha(sha256: string): ImageRecord[] {
    return this.#images.findBySha(sha256);
  }
  findImagesByRelPath(relPath: string): ImageRecord[] {
    return this.#images.findByRelPath(relPath);
  }
  listImages(filter: { readonly status?: ImageStatus } = {}): ImageRecord[] {
    return this.#images.list(filter);
  }
  poolSize(): number {
    return this.#images.poolSize();
  }
  listPoolImages(): ImageRecord[] {
    return this.#images.listPool();
  }
  unlabeledTestImages(): ImageRecord[] {
    return this.#images.unlabeledTest();
  }
  getModelInputs(ids?: readonly ImageId[]): { ids: ImageId[]; data: Uint8Array; size: number; channels: number } {
    return this.#images.modelInputs(ids);
  }
  updateTestSplit(rank: (sha256: string, seed: number) => number): number {
    return this.#images.updateTestSplit(rank);
  }
  growTestSplitDuringImport(
    afterId: number,
    folderId: number,
    role: 'pool' | 'test',
    expectedPool: number,
    rank: (sha256: string, seed: number) => number,
  ): number {
    return this.#images.growTestSplitDuringImport(afterId, folderId, role, expectedPool, rank);
  }
  /** Largest image id (0 in an empty project). */
  lastImageId(): number {
    return this.#images.lastId();
  }

  // labels (label-store.ts)
  labelTarget(img: ImageRecord, lookup?: (id: ImageId) => ImageRecord | null): ImageRecord {
    return this.#labels.target(img, lookup);
  }
  addLabel(input: NewLabel): LabelRecord {
    return this.#labels.add(input);
  }
  insertLabel(input: NewLabel): LabelRecord {
    return this.#labels.insert(input);
  }
  addLabels(inputs: readonly NewLabel[]): number {
    return this.#labels.addMany(inputs);
  }
  undoLastLabel(annotator?: string): LabelRecord | null {
    return this.#labels.undoLast(annotator);
  }
  undoLabel(id: LabelId): LabelRecord | null {
    return this.#labels.undo(id);
  }
  currentLabels(): LabelRecord[] {
    return this.#labels.current();
  }
  currentLabel(imageId: ImageId): LabelRecord | null {
    return this.#labels.currentOf(imageId);
  }
  hasLabelHistory(id: ImageId): boolean {
    return this.#labels.hasHistory(id);
  }
  skipImage(imageId: ImageId): void {
    this.#labels.skip(imageId);
  }
  labelCounts(): { labeled: number; labeledNone: number; testLabeled: number } {
    return this.#labels.counts();
  }

  // models (model-store.ts)
  saveModel(m: NewModel): ModelId {
    return this.#models.save(m);
  }
  getModel(id: ModelId): StoredModel | null {
    return this.#models.get(id);
  }
  latestModel(kind: StoredModel['kind']): StoredModel | null {
    return this.#models.latest(kind);
  }

  // embeddings (embedding-store.ts)
  saveEmbeddings(input: NewEmbeddings): number {
    return this.#embeddings.save(input);
  }
  embeddingInfo(): EmbeddingInfo | null {
    return this.#embeddings.info();
  }
  getEmbeddings(): EmbeddingMatrix | null {
    return this.#embeddings.active();
  }
  getPcaPoints(): { imageId: ImageId; x: number; y: number }[] {
    return this.#embeddings.pcaPoints();
  }

  // orders and queue (order-store.ts)
  saveOrder(input: NewOrder): OrderId {
    return this.#orders.save(input);
  }
  activeOrder(): ReturnType<OrderStore['active']> {
    return this.#orders.active();
  }
  hasActiveOrder(): boolean {
    return this.#orders.hasActive();
  }
  armOf(imageId: ImageId): 'novelty' | 'random' | 'none' {
    return this.#orders.armOf(imageId);
  }
  queue(count: number, offset = 0): QueueEntry[] {
    return this.#orders.queue(count, offset);
  }
  orderIsStale(): boolean {
    return this.#orders.isStale();
  }
  queueRemaining(): number {
    return this.#orders.remaining();
  }

  // curve (curve-store.ts)
  addCurvePoints(runId: string, source: CurvePoint['source'], points: readonly NewCurvePoint[]): void {
    this.#curve.add(runId, source, points);
  }
  deleteCurvePoints(source: CurvePoint['source']): void {
    this.#curve.deleteSource(source);
  }
  curvePoints(source?: CurvePoint['source']): CurvePoint[] {
    return this.#curve.points(source);
  }
  compareVerdict(): CompareVerdictReport | null {
    return this.#curve.compareVerdict();
  }
  setCompareVerdict(report: CompareVerdictReport): void {
    this.#curve.setCompareVerdict(report);
  }

  // status (status.ts)
  status(): ProjectStatus {
    return projectStatus({
      db: this.#db,
      settings: this.#settings,
      folders: this.#folders,
      labels: this.#labels,
      embeddings: this.#embeddings,
      orders: this.#orders,
      curve: this.#curve,
    });
  }
}
