/** The keyboard reference (shown with "?"). */
export const KEYS: readonly (readonly [string, string])[] = [
  ['← / →', 'rotate 1° counter-clockwise / clockwise'],
  ['Shift + ← / →', 'rotate 15°'],
  ['1 2 3 4', 'set 0° / 90° / 180° / 270°'],
  ['drag', 'point the arrow where the object faces'],
  ['Enter', 'accept the angle and go to the next image'],
  ['N', 'no orientation / not applicable'],
  ['S', 'skip (the image comes back later)'],
  ['U or Ctrl+Z', 'undo the last label'],
  ['B', 'background behind transparent images: checkerboard, light, dark'],
  ['?', 'show or hide this help'],
];

export function KeysHelp(props: { onClose: () => void; axial: boolean }): React.JSX.Element {
  return (
    <div className="modal-backdrop" role="presentation" onClick={props.onClose}>
      <div className="modal keys-help" role="dialog" aria-label="Keyboard shortcuts" onClick={(e) => e.stopPropagation()}>
        <h2>Keyboard</h2>
        <table>
          <tbody>
            {KEYS.map(([k, what]) => (
              <tr key={k}>
                <td>
                  <kbd>{k}</kbd>
                </td>
                <td>{what}</td>
              </tr>
            ))}
          </tbody>
        </table>
        <p className="muted">
          Angles are degrees clockwise from image up, {props.axial ? '[0°, 180°) (axial project: no front)' : '[0°, 360°)'}, of the direction the object&apos;s
          front points.
        </p>
        <button type="button" className="btn" onClick={props.onClose}>
          Close (Esc)
        </button>
      </div>
    </div>
  );
}
