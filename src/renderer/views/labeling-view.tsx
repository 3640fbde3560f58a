/**
 * Labeling: one image at a time in the order the engine chooses (queue, or a
 * test-split image when the learning curve needs one, clearly marked), an
 * arrow over it for the angle, keyboard first. Each label is one request
 * (label:set), which resolves after the label is in SQLite and brings what
 * comes next; the prefetched image then shows at once. The session's state
 * is in LabelingSession (lib/labeling-session.ts), the requests in
 * useLabelingSession, the key map in lib/labeling-keys.ts.
 */
import { useCallback, useEffect, useState } from 'react';
import { periodOf } from '../../shared/angle.js';
import type { ProjectStatus } from '../../shared/types.js';
import { useApi } from '../api/api-context.js';
import { KeysHelp } from '../components/keys-help.js';
import { LabelingPanel } from '../components/labeling-panel.js';
import { LabelingStage } from '../components/labeling-stage.js';
import { nextBackground, readBackground, writeBackground, type CanvasBackground } from '../lib/canvas-background.js';
import { isTypingTarget, keyAction, type KeyAction } from '../lib/labeling-keys.js';
import { useLabelingSession } from '../lib/use-labeling-session.js';

export function LabelingView(props: { status: ProjectStatus; onStatus: (s: ProjectStatus) => void; onShowProgress: () => void }): React.JSX.Element {
  const api = useApi();
  const period = periodOf(props.status.settings.axial);
  const controls = useLabelingSession(api, period, props.status, props.onStatus);
  const { session, busy, commit, skip, undo } = controls;
  const [help, setHelp] = useState(false);
  const [background, setBackground] = useState<CanvasBackground>(() => readBackground(props.status.path));

  const projectPath = props.status.path;
  const switchBackground = useCallback((): void => {
    setBackground((b) => {
      const n = nextBackground(b);
      writeBackground(projectPath, n);
      return n;
    });
  }, [projectPath]);

  const perform = useCallback(
    (a: KeyAction): void => {
      switch (a.kind) {
        case 'toggle-help':
          return setHelp((h) => !h);
        case 'close-help':
          return setHelp(false);
        case 'undo':
          return void undo();
        case 'nudge':
          return session.nudge(a.step);
        case 'set-angle':
          return session.setAngle(a.angle);
        case 'accept':
          return void commit(session.angle);
        case 'none-label':
          return void commit(null);
        case 'skip':
          return void skip();
        case 'background':
          return switchBackground();
      }
    },
    [commit, session, skip, switchBackground, undo],
  );

  useEffect(() => {
    const onKey = (e: KeyboardEvent): void => {
      if (isTypingTarget(e.target) || document.querySelector('.modal:not(.keys-help)')) return;
      const r = keyAction(e, period, help);
      if (!r) return;
      if (r.preventDefault) e.preventDefault();
      if (r.action) perform(r.action);
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [help, perform, period]);

  const current = session.current;
  return (
    <main className="labeling-view">
      <LabelingStage
        current={current}
        upcoming={session.upcoming}
        angle={session.angle}
        period={period}
        busy={busy}
        loading={controls.loading}
        finished={session.finished}
        error={controls.error}
        background={background}
        imageUrl={(id) => api.imageUrl(id)}
        onAngle={(a) => session.setAngle(a)}
        onShowProgress={props.onShowProgress}
      />
      <LabelingPanel
        status={props.status}
        current={current}
        angle={session.angle}
        period={period}
        touched={session.touched}
        useGuess={session.useGuess}
        busy={busy}
        message={controls.message}
        error={controls.error}
        background={background}
        onUseGuess={controls.setUseGuess}
        onAccept={() => void commit(session.angle)}
        onNone={() => void commit(null)}
        onSkip={() => void skip()}
        onUndo={() => void undo()}
        onBackground={switchBackground}
        onHelp={() => setHelp(true)}
      />
      {help && <KeysHelp axial={period === 180} onClose={() => setHelp(false)} />}
    </main>
  );
}
