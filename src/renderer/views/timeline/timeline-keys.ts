// What a key does to the timeline: zoom, pan, clear the selection, zoom to it, show everything.

export type TimelineAction =
  | { type: 'zoom'; factor: number }
  | { type: 'pan'; fraction: number }
  | { type: 'clear' }
  | { type: 'zoomToSelection' }
  | { type: 'showAll' };

/** Zooming in one key press shows this share of the window. */
export const ZOOM_STEP = 0.7;
/** Panning one key press moves by this share of the window. */
export const PAN_STEP = 0.2;

export interface KeyLike {
  key: string;
  ctrlKey: boolean;
  metaKey: boolean;
  altKey: boolean;
  shiftKey: boolean;
}

/** W/S and ArrowUp/Down zoom, A/D and ArrowLeft/Right pan (Shift: bigger steps), Escape clears, Z and 0 frame. */
export function keyAction(event: KeyLike): TimelineAction | null {
  if (event.ctrlKey || event.metaKey || event.altKey) return null;
  const big = event.shiftKey ? 2.5 : 1;
  switch (event.key.length === 1 ? event.key.toLowerCase() : event.key) {
    case 'w':
    case 'ArrowUp':
      return { type: 'zoom', factor: ZOOM_STEP ** big };
    case 's':
    case 'ArrowDown':
      return { type: 'zoom', factor: 1 / ZOOM_STEP ** big };
    case 'a':
    case 'ArrowLeft':
      return { type: 'pan', fraction: -PAN_STEP * big };
    case 'd':
    case 'ArrowRight':
      return { type: 'pan', fraction: PAN_STEP * big };
    case 'Escape':
      return { type: 'clear' };
    case 'z':
      return { type: 'zoomToSelection' };
    case '0':
      return { type: 'showAll' };
    default:
      return null;
  }
}

/** Typing in a field must not zoom or pan. */
export function isTypingTarget(target: EventTarget | null): boolean {
  if (typeof HTMLElement === 'undefined' || !(target instanceof HTMLElement)) return false;
  return target.isContentEditable || ['INPUT', 'TEXTAREA', 'SELECT'].includes(target.tagName);
}

/** Wheel: ctrl/meta zooms around the pointer (as Perfetto and pinch gestures do), shift or sideways scroll pans, plain scrolls the tracks. */
export function wheelAction(event: { deltaX: number; deltaY: number; ctrlKey: boolean; metaKey: boolean; shiftKey: boolean }, plotWidthPx: number): TimelineAction | null {
  if (event.ctrlKey || event.metaKey) return { type: 'zoom', factor: Math.exp(Math.max(-1, Math.min(1, event.deltaY / 300))) };
  const sideways = event.shiftKey ? event.deltaY || event.deltaX : Math.abs(event.deltaX) > Math.abs(event.deltaY) ? event.deltaX : 0;
  if (sideways !== 0) return { type: 'pan', fraction: sideways / Math.max(1, plotWidthPx) };
  return null;
}
