/** Export the labeled set: CSV, JSONL, COCO-style JSON or an image folder with a manifest. */
import { useState } from 'react';
import type { ExportFormat, ExportReport, ProjectStatus } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { errorText } from '../api/desktop-api.js';

const FORMATS: readonly { id: ExportFormat; name: string; ext: string; what: string }[] = [
  { id: 'csv', name: 'CSV', ext: '.csv', what: 'one row per labeled image' },
  { id: 'jsonl', name: 'JSONL', ext: '.jsonl', what: 'one JSON object per line' },
  { id: 'coco', name: 'COCO-style JSON', ext: '.json', what: 'images and annotations with an angle attribute' },
  { id: 'folder', name: 'Image folder', ext: '', what: 'copies of the images plus a manifest' },
];

function defaultOut(projectPath: string, f: ExportFormat): string {
  const base = projectPath.replace(/\.nlproj$/i, '');
  const ext = FORMATS.find((x) => x.id === f)!.ext;
  return f === 'folder' ? `${base}-export` : `${base}-labels${ext}`;
}

export function ExportDialog(props: { status: ProjectStatus; onClose: () => void }): React.JSX.Element {
  const api = useApi();
  const [format, setFormat] = useState<ExportFormat>('csv');
  const [out, setOut] = useState(defaultOut(props.status.path, 'csv'));
  const [touched, setTouched] = useState(false);
  const [upright, setUpright] = useState(false);
  const [overwrite, setOverwrite] = useState(false);
  const [busy, setBusy] = useState(false);
  const [result, setResult] = useState<ExportReport | null>(null);
  const [error, setError] = useState<string | null>(null);
  const axial = props.status.settings.axial;

  const choose = (f: ExportFormat): void => {
    setFormat(f);
    if (!touched) setOut(defaultOut(props.status.path, f));
    setResult(null);
  };

  return (
    <div className="modal-backdrop" role="presentation">
      <form
        className="modal export-dialog"
        role="dialog"
        aria-label="Export labels"
        onKeyDown={(e) => {
          if (e.key === 'Escape') props.onClose();
        }}
        onSubmit={(e) => {
          e.preventDefault();
          setBusy(true);
          setError(null);
          setResult(null);
          api
            .invoke('export:run', { format, out: out.trim(), upright: format === 'folder' && upright, overwrite: format !== 'folder' && overwrite })
            .then(setResult, (err: unknown) => setError(errorText(err)))
            .finally(() => setBusy(false));
        }}
      >
        <h2>Export labels</h2>
        <fieldset>
          <legend>Format</legend>
          {FORMATS.map((f) => (
            <label key={f.id} className="check">
              <input type="radio" name="format" value={f.id} checked={format === f.id} onChange={() => choose(f.id)} />
              <strong>{f.name}</strong> <span className="muted">{f.what}</span>
            </label>
          ))}
        </fieldset>
        <label>
          {format === 'folder' ? 'Output folder' : 'Output file'}
          <span className="row">
            <input
              name="out"
              type="text"
              value={out}
              onChange={(e) => {
                setOut(e.target.value);
                setTouched(true);
              }}
            />
            {api.pickPath && (
              <button
                type="button"
                className="btn"
                onClick={() =>
                  void api.pickPath!(format === 'folder' ? 'export-folder' : 'export-file', out).then((p) => {
                    if (p) {
                      setOut(p);
                      setTouched(true);
                    }
                  })
                }
              >
                Choose…
              </button>
            )}
          </span>
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="upright"
            checked={format === 'folder' && upright}
            disabled={format !== 'folder'}
            onChange={(e) => setUpright(e.target.checked)}
          />
          Rotate the copied images upright (image folder only; the manifest then gives angle 0 and the original angle)
        </label>
        <label className="check">
          <input
            type="checkbox"
            name="overwrite"
            checked={format !== 'folder' && overwrite}
            disabled={format === 'folder'}
            onChange={(e) => setOverwrite(e.target.checked)}
          />
          Replace the output file if it exists (never the project, an image, or a file in an imported folder)
        </label>
        <div className="convention" data-testid="angle-convention">
          <strong>Angle convention</strong>: degrees, clockwise from image up, in {axial ? '[0, 180) (axial: the object has no front)' : '[0, 360)'}, of the
          direction the object&apos;s front points, in the EXIF-corrected image as displayed. &quot;No orientation&quot; labels have an empty angle. The
          convention and the project settings are written into the output.
        </div>
        {error && (
          <p className="error-banner small" role="alert">
            {error}
          </p>
        )}
        {result && (
          <p className="success" role="status" data-testid="export-result">
            Exported {result.count} labels to {result.out}
          </p>
        )}
        <div className="row end">
          <button type="button" className="btn" onClick={props.onClose}>
            Close
          </button>
          <button type="submit" className="btn primary" disabled={busy || !out.trim()}>
            {busy ? 'Exporting…' : 'Export'}
          </button>
        </div>
      </form>
    </div>
  );
}
