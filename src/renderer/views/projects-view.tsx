/**
 * Start screen: open a project by path, create one from a folder of images,
 * open the bundled demo, or pick a recent project.
 */
import { useState } from 'react';
import type { ResponseOf } from '../../shared/api.js';
import { useApi } from '../api/api-context.js';
import { basename, dirname, projectPathFor } from '../lib/format.js';
import type { SetupPlan } from './setup-view.js';
import {
  DEFAULT_SETTINGS,
  EMBEDDERS,
  ORIENTATION_MODELS,
  STRATEGIES,
  type EmbedderKind,
  type OrientationModelKind,
  type ProjectSettings,
  type StrategyName,
} from '../../shared/types.js';
import { strategyLabel } from '../lib/curve-series.js';

const INPUT_SIZES = [32, 48, 64, 96, 128] as const;

type AppInfo = ResponseOf<'app:info'>;

export function ProjectsView(props: { info: AppInfo | null; error: string | null; onStart: (plan: SetupPlan) => void }): React.JSX.Element {
  const api = useApi();
  const [openPath, setOpenPath] = useState('');
  const [folder, setFolder] = useState('');
  const [projectPath, setProjectPath] = useState('');
  const [projectPathTouched, setProjectPathTouched] = useState(false);
  const [epochs, setEpochs] = useState('');
  const [axial, setAxial] = useState(false);
  const [strategy, setStrategy] = useState<StrategyName>(DEFAULT_SETTINGS.strategy);
  const [orientationModel, setOrientationModel] = useState<OrientationModelKind>(DEFAULT_SETTINGS.orientationModel);
  const [embedder, setEmbedder] = useState<EmbedderKind>(DEFAULT_SETTINGS.embedder);
  const [inputSize, setInputSize] = useState<number>(DEFAULT_SETTINGS.inputSize);
  const [colorMode, setColorMode] = useState<'gray' | 'rgb'>(DEFAULT_SETTINGS.colorMode);
  const [testPercent, setTestPercent] = useState(String(Math.round(DEFAULT_SETTINGS.testFraction * 100)));
  const [testFolder, setTestFolder] = useState('');

  const setFolderAndSuggest = (f: string): void => {
    setFolder(f);
    if (!projectPathTouched) setProjectPath(projectPathFor(f));
  };

  const pick = async (kind: 'folder' | 'test-folder' | 'open-project' | 'save-project'): Promise<void> => {
    const p = await api.pickPath?.(kind === 'test-folder' ? 'folder' : kind, kind === 'save-project' ? projectPath : undefined);
    if (!p) return;
    if (kind === 'folder') setFolderAndSuggest(p);
    else if (kind === 'test-folder') setTestFolder(p);
    else if (kind === 'open-project') setOpenPath(p);
    else {
      setProjectPath(p);
      setProjectPathTouched(true);
    }
  };

  const epochsNum = epochs.trim() === '' ? undefined : Number(epochs);
  const epochsOk = epochsNum === undefined || (Number.isInteger(epochsNum) && epochsNum >= 1 && epochsNum <= 10000);
  const testNum = Number(testPercent);
  const testOk = testPercent.trim() !== '' && Number.isFinite(testNum) && testNum >= 0 && testNum <= 90;
  const settings: Partial<ProjectSettings> = {
    ...(axial ? { axial: true } : {}),
    strategy,
    orientationModel,
    embedder,
    inputSize,
    colorMode,
    ...(testOk ? { testFraction: testNum / 100 } : {}),
  };
  const demo = props.info?.demoFolder ?? null;

  return (
    <main className="projects-view">
      <section className="hero">
        <h1>Novelty Labeler</h1>
        <p>
          Label object orientation most-novel-first: images are ordered by novelty in a latent space where a turned, shifted or relit copy of an object is not
          new (coverage-based and furthest point orders), the widget starts at the model&apos;s guess, and a live learning curve shows what each label buys.
        </p>
      </section>
      {props.error && (
        <p className="error-banner" role="alert">
          {props.error}
        </p>
      )}
      <div className="cards">
        <form
          className="card"
          aria-label="Create a project from a folder"
          onSubmit={(e) => {
            e.preventDefault();
            if (!folder.trim() || !projectPath.trim() || !epochsOk || !testOk) return;
            props.onStart({
              kind: 'create',
              projectPath: projectPath.trim(),
              folder: folder.trim(),
              ...(testFolder.trim() ? { testFolder: testFolder.trim() } : {}),
              settings,
              ...(epochsNum !== undefined ? { epochs: epochsNum } : {}),
            });
          }}
        >
          <h2>Create from a folder</h2>
          <label>
            Image folder (searched recursively)
            <span className="row">
              <input name="folder" type="text" value={folder} placeholder="/path/to/images" onChange={(e) => setFolderAndSuggest(e.target.value)} />
              {api.pickPath && (
                <button type="button" className="btn" onClick={() => void pick('folder')}>
                  Browse…
                </button>
              )}
            </span>
          </label>
          <label>
            Project file
            <span className="row">
              <input
                name="projectPath"
                type="text"
                value={projectPath}
                placeholder="/path/to/images.nlproj"
                onChange={(e) => {
                  setProjectPath(e.target.value);
                  setProjectPathTouched(true);
                }}
              />
              {api.pickPath && (
                <button type="button" className="btn" onClick={() => void pick('save-project')}>
                  Choose…
                </button>
              )}
            </span>
          </label>
          <details>
            <summary>Options</summary>
            <label>
              Training epochs, autoencoder or contrastive (empty: chosen from the number of images)
              <input name="epochs" type="number" min={1} max={10000} value={epochs} onChange={(e) => setEpochs(e.target.value)} />
            </label>
            <label className="check">
              <input name="axial" type="checkbox" checked={axial} onChange={(e) => setAxial(e.target.checked)} />
              Axial objects (no front): angles in [0°, 180°)
            </label>
            <label>
              Queue strategy (changeable later)
              <select name="strategy" value={strategy} onChange={(e) => setStrategy(e.target.value as StrategyName)}>
                {STRATEGIES.map((s) => (
                  <option key={s} value={s}>
                    {strategyLabel(s)}
                    {s === DEFAULT_SETTINGS.strategy ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Latent space (what counts as novel)
              <select name="embedder" value={embedder} onChange={(e) => setEmbedder(e.target.value as EmbedderKind)}>
                {EMBEDDERS.map((m) => (
                  <option key={m} value={m}>
                    {m === 'contrastive'
                      ? 'Contrastive (trained): turn, shift, scale, lighting, blur and noise are not novel'
                      : m === 'polar-fourier'
                        ? 'Polar Fourier (no training, seconds): turn, shift, scale and contrast are not novel'
                        : 'Autoencoder (trained): reconstruction, pooled over turns'}
                    {m === DEFAULT_SETTINGS.embedder ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Orientation model of the learning curve
              <select name="orientationModel" value={orientationModel} onChange={(e) => setOrientationModel(e.target.value as OrientationModelKind)}>
                {ORIENTATION_MODELS.map((m) => (
                  <option key={m} value={m}>
                    {m === 'exemplar'
                      ? 'Exemplar: nearest labeled image over all turns'
                      : m === 'aligned-exemplar'
                        ? 'Aligned exemplar: nearest labeled image, centred, over all turns'
                        : 'Regressor fine-tuned from the encoder'}
                    {m === DEFAULT_SETTINGS.orientationModel ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Model input size (px)
              <select name="inputSize" value={inputSize} onChange={(e) => setInputSize(Number(e.target.value))}>
                {INPUT_SIZES.map((n) => (
                  <option key={n} value={n}>
                    {n}
                    {n === DEFAULT_SETTINGS.inputSize ? ' (default)' : ''}
                  </option>
                ))}
              </select>
            </label>
            <label>
              Colour
              <select name="colorMode" value={colorMode} onChange={(e) => setColorMode(e.target.value as 'gray' | 'rgb')}>
                <option value="gray">Grayscale (default)</option>
                <option value="rgb">RGB</option>
              </select>
            </label>
            <label>
              Test folder (optional: its images are the test split, never queued; empty: a random share of the image folder)
              <span className="row">
                <input name="testFolder" type="text" value={testFolder} placeholder="/path/to/test-images" onChange={(e) => setTestFolder(e.target.value)} />
                {api.pickPath && (
                  <button type="button" className="btn" onClick={() => void pick('test-folder')}>
                    Browse…
                  </button>
                )}
              </span>
            </label>
            <label>
              Test split (% of images held out to measure error, at most {DEFAULT_SETTINGS.testMax}; not used with a test folder)
              <input
                name="testPercent"
                type="number"
                min={0}
                max={90}
                step={1}
                value={testPercent}
                disabled={testFolder.trim() !== ''}
                onChange={(e) => setTestPercent(e.target.value)}
                aria-invalid={!testOk}
              />
            </label>
          </details>
          <button type="submit" className="btn primary" disabled={!folder.trim() || !projectPath.trim() || !epochsOk || !testOk}>
            Create project and import
          </button>
        </form>

        <div className="card-column">
          <form
            className="card"
            aria-label="Open a project"
            onSubmit={(e) => {
              e.preventDefault();
              if (openPath.trim()) props.onStart({ kind: 'open', projectPath: openPath.trim() });
            }}
          >
            <h2>Open a project</h2>
            <label>
              Project file (.nlproj)
              <span className="row">
                <input name="openPath" type="text" value={openPath} placeholder="/path/to/project.nlproj" onChange={(e) => setOpenPath(e.target.value)} />
                {api.pickPath && (
                  <button type="button" className="btn" onClick={() => void pick('open-project')}>
                    Browse…
                  </button>
                )}
              </span>
            </label>
            <button type="submit" className="btn primary" disabled={!openPath.trim()}>
              Open
            </button>
          </form>

          <section className="card" aria-label="Demo">
            <h2>Demo</h2>
            {demo ? (
              <>
                <p className="muted">
                  Fashion-MNIST items rotated by known angles ({demo}). The demo project is kept at {props.info?.demoProject ?? projectPathFor(demo)}; to put it
                  elsewhere, create a project from that folder.
                </p>
                <button
                  type="button"
                  className="btn"
                  onClick={() => props.onStart({ kind: 'demo', projectPath: props.info?.demoProject ?? projectPathFor(demo), folder: demo })}
                >
                  Open the demo
                </button>
              </>
            ) : (
              <p className="muted">No bundled demo images in this installation.</p>
            )}
          </section>

          <section className="card" aria-label="Recent projects">
            <h2>Recent</h2>
            {props.info && props.info.recent.length > 0 ? (
              <ul className="recent">
                {props.info.recent.map((r) => (
                  <li key={r.path}>
                    <button type="button" className="link" title={r.path} onClick={() => props.onStart({ kind: 'open', projectPath: r.path })}>
                      <strong>{basename(r.path)}</strong>
                      <span className="muted">{dirname(r.path)}</span>
                    </button>
                    <time className="muted" dateTime={r.openedAt}>
                      {new Date(r.openedAt).toLocaleString()}
                    </time>
                  </li>
                ))}
              </ul>
            ) : (
              <p className="muted">No recent projects.</p>
            )}
          </section>
        </div>
      </div>
      <footer className="muted small">
        {props.info ? `version ${props.info.version} · compute backend ${props.info.backend ?? 'chosen when a trained embedder or model runs'}` : 'connecting…'}
      </footer>
    </main>
  );
}
