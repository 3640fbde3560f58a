/**
 * Writing the per-file results of an import into the project, in walk order.
 *
 * Per file outcome (the rule throughout: a label follows the pixels it was
 * given to, never the file path):
 * - new path -> inserted as ready or unreadable (with the decoder's reason);
 *   an exact duplicate of a ready image is flagged (duplicate_of) by
 *   ProjectStore.insertImage; but when an image with the same SHA-256 is
 *   "claimable" - its status is 'missing', its file is gone, or its file now
 *   holds other content - that image is re-linked to this path instead (its
 *   labels, model input, embeddings and queue entries kept);
 * - same path, same content, stored model input usable -> skipped; a stored
 *   model input that is missing or of the wrong size is decoded again;
 * - same path, same content, earlier unreadable or missing -> updated in place;
 * - same path, file that cannot be read or decoded any more (e.g. cut short)
 *   while the image holds a decoded content -> marked 'unreadable' with the
 *   reason; its SHA-256, size and model input (those of the last content that
 *   decoded) and its labels are kept, so restoring the file makes it ready
 *   again and evaluation skips it meanwhile (it is not 'ready');
 * - same path, new content (another SHA-256):
 *   - a claimable image has that SHA-256 -> the old record leaves the path
 *     (see below) and the claimable image is re-linked here: files swapped
 *     between two paths re-link both, whatever the walk order;
 *   - else, the old record has labels (any label row, undone ones included)
 *     -> it leaves the path and the new content is inserted as a new image:
 *     a new id, so the old record's embeddings and queue entries never apply
 *     to it (it is queued after the next embed and order);
 *   - else -> the old record is updated in place and its embeddings, queue
 *     entries and skip are dropped (ProjectStore.dropDerivedData), as they
 *     were computed from the old pixels; it is like a newly added image.
 *   A record that leaves the path keeps its SHA-256, labels, model input,
 *   embeddings and folder and becomes 'missing' under the path markers
 *   `<absolute path>#replaced-<id>` and `<relPath>#replaced-<id>` (never a
 *   listed file, as they do not end in an image extension; unique, as they
 *   hold the id; so exports and path keys never confuse it with the new
 *   image at that path). It is counted in `missing` (unless it was missing
 *   already) and re-linked when its content is imported again (this folder
 *   or another, or relinkFolder);
 * - vanished between listing and reading -> not added (or marked missing),
 */
import type { FolderRole, ImageId, ImageRecord } from '../../shared/types.js';
import type { NewImage, ProjectStore } from '../store/project-store.js';
import type { WalkedFile } from './walk-folder.js';
import { type FileNow, type FileResult, modelInputBytes, readFileNow, replacedMarker } from './import-file.js';

/** What the writer of one import needs to know, and the state it shares with importFolder. */
export interface ResultWriterContext {
  readonly store: ProjectStore;
  /** Real absolute path of the imported folder. */
  readonly root: string;
  readonly folderId: number;
  readonly role: FolderRole;
  /** When the import started (ISO 8601), for the reasons given to missing images. */
  readonly stamp: string;
  /** Images newly marked missing by this import; an image re-linked later leaves the set. */
  readonly missingIds: Set<number>;
  /** Files the import reports as problems. */
  readonly problems: { path: string; error: string }[];
}

export interface ResultWriter {
  /** Write one file's result (call inside a transaction, in walk order). */
  readonly writeOne: (r: FileResult) => void;
  readonly counts: { added: number; ready: number; duplicates: number; skippedExisting: number; relinked: number; updated: number };
  readonly unreadable: { path: string; error: string }[];
  /** Paths whose content matched a claimable image of the other role (added as new images). */
  readonly roleMismatch: string[];
}

/**
 * The writer of one import's results. Made after the import marked its gone
 * files missing and before it writes anything: images that exist at that
 * point are the only ones a file may be re-linked to.
 */
export function createResultWriter(ctx: ResultWriterContext): ResultWriter {
  const { store, root, folderId, role, stamp, missingIds, problems } = ctx;
  const { inputSize, colorMode } = store.settings;
  const counts = { added: 0, ready: 0, duplicates: 0, skippedExisting: 0, relinked: 0, updated: 0 };
  const unreadable: { path: string; error: string }[] = [];
  const relinkedIds = new Set<number>();

  const expectedBytes = modelInputBytes({ inputSize, colorMode });
  // SHA-256 of the files read by this import so far, by absolute path ('gone' for vanished ones).
  const seen = new Map<string, FileNow>();
  const fileNow = (p: string): FileNow => seen.get(p) ?? readFileNow(p);

  /** An image that may be re-linked to `here`: missing, its file gone, or its file holding other content now. */
  const claimable = (c: ImageRecord, here: string): boolean => {
    if (relinkedIds.has(c.id) || c.path === here) return false;
    if (c.status === 'missing') return true;
    const now = fileNow(c.path);
    return now.kind === 'gone' || (now.kind === 'sha' && now.sha256 !== c.sha256);
  };
  // Images this import adds are never claimable (their file is what was just read), so the
  // candidates of a content are the images that existed before it, checked once per content:
  // many identical files then import in linear time, not quadratic.
  const firstNewId = store.maxImageId() + 1;
  const candidatesBySha = new Map<string, ImageRecord[]>();
  const findClaimable = (sha256: string | null, here: string, not: ImageId | null): ImageRecord | undefined => {
    if (!sha256) return undefined;
    let list = candidatesBySha.get(sha256);
    if (!list) {
      list = store.findImagesBySha(sha256).filter((c) => c.id < firstNewId && (c.status === 'missing' || claimable(c, '')));
      candidatesBySha.set(sha256, list);
    }
    // An image keeps its role: a moved test folder re-imported as a pool folder (or the reverse) would
    // otherwise turn held-out images into training images, their labels with them.
    const found = list.find((c) => c.id !== not && claimable(c, here) && store.folderRoleOfImage(c.id) === role);
    if (!found && list.some((c) => c.id !== not && claimable(c, here))) roleMismatch.push(here);
    return found;
  };
  const roleMismatch: string[] = [];

  type Content = Omit<NewImage, 'folderId' | 'relPath' | 'absPath'>;
  /**
   * Write decoded content into an existing record. A failed decode never
   * destroys a decoded content: the record is only marked unreadable.
   * Returns false when nothing changed.
   */
  const applyContent = (img: ImageRecord, content: Content): boolean => {
    const keepsContent =
      content.status === 'unreadable' && (content.sha256 === null || (img.sha256 !== null && store.modelInputLength(img.id) === expectedBytes));
    if (keepsContent) {
      if (img.status === 'unreadable' && img.error === content.error) return false;
      store.setImageStatus(img.id, 'unreadable', content.error);
    } else {
      store.updateImageContent(img.id, content);
      if (content.sha256) store.refreshDuplicates(content.sha256);
    }
    if (img.sha256) store.refreshDuplicates(img.sha256);
    return true;
  };
  /** The record at a path whose file now holds other content leaves the path, as 'missing', keeping everything. */
  const leavePath = (img: ImageRecord): void => {
    store.setImagePaths(img.id, replacedMarker(img.relPath, img.id), replacedMarker(img.path, img.id));
    store.setImageStatus(
      img.id,
      'missing',
      `the content of ${img.path} changed (found when ${root} was imported on ${stamp}); this image keeps the earlier content (SHA-256 ${img.sha256 ?? 'unknown'}) and its labels, and is re-linked when a file with that content is imported`,
    );
    if (img.sha256) store.refreshDuplicates(img.sha256);
    if (img.status !== 'missing') missingIds.add(img.id);
  };
  const relink = (c: ImageRecord, f: WalkedFile, content: Content): void => {
    store.moveImage(c.id, folderId, f.relPath, f.absPath);
    applyContent({ ...c, path: f.absPath }, content);
    if (content.sha256) store.refreshDuplicates(content.sha256);
    relinkedIds.add(c.id);
    missingIds.delete(c.id); // moved, not gone
    counts.relinked++;
    if (content.status === 'ready') counts.ready++;
  };
  const insert = (f: WalkedFile, content: Content): void => {
    const id = store.insertImage({ folderId, relPath: f.relPath, absPath: f.absPath, ...content });
    counts.added++;
    if (content.status === 'ready') counts.ready++;
    if (store.getImage(id)?.duplicateOf != null) counts.duplicates++;
  };

  const writeOne = (r: FileResult): void => {
    const f = r.file;
    const current = store.findImageByPath(f.absPath);
    if (r.kind === 'unchanged') {
      if (current?.id === r.existing.id) {
        seen.set(f.absPath, { kind: 'sha', sha256: r.existing.sha256! });
        counts.skippedExisting++;
      } else {
        // Its record was re-linked elsewhere by this import: the file changed after it was read.
        problems.push({ path: f.absPath, error: 'file changed during the import; import the folder again' });
      }
      return;
    }
    if (r.kind === 'vanished') {
      seen.set(f.absPath, { kind: 'gone' });
      if (current && current.status !== 'missing') {
        store.setImageStatus(current.id, 'missing', `file vanished while ${root} was imported on ${stamp}`);
        missingIds.add(current.id);
      } else if (!current) {
        problems.push({ path: f.absPath, error: 'file vanished during the import' });
      }
      return;
    }
    seen.set(f.absPath, r.sha256 ? { kind: 'sha', sha256: r.sha256 } : { kind: 'unknown' });
    const content: Content = {
      sha256: r.sha256,
      sizeBytes: r.sizeBytes,
      width: r.width,
      height: r.height,
      status: r.status,
      error: r.error,
      modelInput: r.modelInput,
    };
    const reportUnreadable = (): void => {
      if (r.status === 'unreadable') unreadable.push({ path: f.absPath, error: r.error ?? 'unreadable' });
    };
    if (current) {
      const sameContent = r.sha256 === current.sha256;
      const keepsContent =
        r.status === 'unreadable' && (r.sha256 === null || (current.sha256 !== null && store.modelInputLength(current.id) === expectedBytes));
      if (sameContent || keepsContent || current.sha256 === null) {
        if (applyContent(current, content)) {
          counts.updated++;
          if (r.status === 'ready') counts.ready++;
          reportUnreadable();
        } else {
          counts.skippedExisting++;
        }
        return;
      }
      // New content at this path.
      reportUnreadable();
      const candidate = findClaimable(r.sha256, f.absPath, current.id);
      if (candidate) {
        leavePath(current);
        relink(candidate, f, content);
        return;
      }
      if (store.hasLabelHistory(current.id)) {
        leavePath(current);
        insert(f, content);
        return;
      }
      store.updateImageContent(current.id, content);
      store.dropDerivedData(current.id);
      store.refreshDuplicates(current.sha256);
      if (r.sha256) store.refreshDuplicates(r.sha256);
      counts.updated++;
      if (r.status === 'ready') counts.ready++;
      return;
    }
    // New path: an image with this content whose file is gone (or holds other content now) is re-linked here.
    reportUnreadable();
    const candidate = findClaimable(r.sha256, f.absPath, null);
    if (candidate) relink(candidate, f, content);
    else insert(f, content);
  };

  return { writeOne, counts, unreadable, roleMismatch };
}
