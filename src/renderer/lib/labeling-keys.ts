/**
 * The labeling view's key map, as a pure function from a key press to an
 * action (the view runs the action). Typing into a field is never a
 * shortcut; a checkbox or button keeps the shortcuts working.
 */
import type { AnglePeriod, Degrees } from '../../shared/angle.js';
import { digitAngle } from './angle-ui.js';

export type KeyAction =
  | { readonly kind: 'toggle-help' }
  | { readonly kind: 'close-help' }
  | { readonly kind: 'undo' }
  | { readonly kind: 'nudge'; readonly step: number }
  | { readonly kind: 'set-angle'; readonly angle: Degrees }
  | { readonly kind: 'accept' }
  | { readonly kind: 'none-label' }
  | { readonly kind: 'skip' }
  | { readonly kind: 'background' };

/** What the key map reads of a key press. */
export interface KeyPress {
  readonly key: string;
  readonly shiftKey: boolean;
  readonly ctrlKey: boolean;
  readonly metaKey: boolean;
  readonly altKey: boolean;
  readonly repeat: boolean;
}

/** The action of a key press, or null; `preventDefault` says whether the browser's own use of the key is stopped. */
export function keyAction(e: KeyPress, period: AnglePeriod, helpOpen: boolean): { readonly action: KeyAction | null; readonly preventDefault: boolean } | null {
  if (e.key === '?' || (e.key === '/' && e.shiftKey)) return { action: { kind: 'toggle-help' }, preventDefault: true };
  if (e.key === 'Escape') return { action: { kind: 'close-help' }, preventDefault: false };
  if (helpOpen) return null;
  const ctrl = e.ctrlKey || e.metaKey;
  // a held key repeats the arrow keys, never an action
  const once = (action: KeyAction, preventDefault = false) => ({ action: e.repeat ? null : action, preventDefault });
  if (ctrl && (e.key === 'z' || e.key === 'Z')) return once({ kind: 'undo' }, true);
  if (ctrl || e.altKey) return null;
  switch (e.key) {
    case 'ArrowLeft':
    case 'ArrowRight':
      return { action: { kind: 'nudge', step: (e.shiftKey ? 15 : 1) * (e.key === 'ArrowLeft' ? -1 : 1) }, preventDefault: true };
    case '1':
    case '2':
    case '3':
    case '4': {
      const a = digitAngle(Number(e.key), period);
      return { action: a === null ? null : { kind: 'set-angle', angle: a }, preventDefault: true };
    }
    case 'Enter':
      return once({ kind: 'accept' }, true);
    case 's':
    case 'S':
      return once({ kind: 'skip' });
    case 'n':
    case 'N':
      return once({ kind: 'none-label' });
    case 'u':
    case 'U':
      return once({ kind: 'undo' });
    case 'b':
    case 'B':
      return once({ kind: 'background' });
    default:
      return null;
  }
}

/** Whether a key press lands in a place where typing is not a shortcut (a text field, a select, an editable element). */
export function isTypingTarget(t: EventTarget | null): boolean {
  if (!(t instanceof HTMLElement)) return false;
  const typing = t instanceof HTMLInputElement ? !['checkbox', 'radio', 'button', 'submit', 'range'].includes(t.type) : false;
  return typing || t.tagName === 'TEXTAREA' || t.tagName === 'SELECT' || t.isContentEditable;
}
