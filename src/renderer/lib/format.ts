/** Small display helpers (units always shown). */

export function formatDuration(seconds: number): string {
  if (!Number.isFinite(seconds) || seconds < 0) return '–';
  if (seconds < 1) return '< 1 s';
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const m = Math.floor(seconds / 60);
  const s = Math.round(seconds % 60);
  if (m < 60) return `${m} min ${s.toString().padStart(2, '0')} s`;
  const h = Math.floor(m / 60);
  return `${h} h ${(m % 60).toString().padStart(2, '0')} min`;
}

export function formatRate(perSecond: number, unit: string): string {
  if (!Number.isFinite(perSecond) || perSecond <= 0) return '–';
  if (perSecond >= 10) return `${Math.round(perSecond)} ${unit}/s`;
  if (perSecond >= 1) return `${perSecond.toFixed(1)} ${unit}/s`;
  return `${(perSecond * 60).toFixed(1)} ${unit}/min`;
}

export function basename(p: string): string {
  const parts = p.split(/[\\/]/).filter(Boolean);
  return parts[parts.length - 1] ?? p;
}

export function dirname(p: string): string {
  const i = Math.max(p.lastIndexOf('/'), p.lastIndexOf('\\'));
  return i > 0 ? p.slice(0, i) : p;
}

/** Suggested project file for a folder: a sibling "<folder>.nlproj", so it never sits among the images. */
export function projectPathFor(folder: string): string {
  const trimmed = folder.replace(/[\\/]+$/, '');
  return trimmed ? `${trimmed}.nlproj` : '';
}
