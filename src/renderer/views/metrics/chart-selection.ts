// What every uPlot chart of the window shares with the one selection: a dragged x range becomes the
// selected time range (the drag box is cleared at once), and the selected range is drawn as a band
// with accent edges. Chart x values are seconds; ranges are epoch microseconds.
import type uPlot from 'uplot';
import type { TimeRange } from '../../../shared/domain';
import { themeColor } from '../../canvas/hidpi-canvas';

/** A setSelect hook: a drag wider than 3 px selects its time range. */
export function selectRangeOnDrag(onRange: (range: TimeRange) => void): (u: uPlot) => void {
  return (u) => {
    if (u.select.width < 3) return;
    const fromS = u.posToVal(u.select.left, 'x');
    const toS = u.posToVal(u.select.left + u.select.width, 'x');
    u.setSelect({ left: 0, top: 0, width: 0, height: 0 }, false);
    onRange({ fromUs: Math.round(fromS * 1e6), toUs: Math.round(toS * 1e6) });
  };
}

/** A draw hook: the selected range (read at each draw) as a band edged one CSS pixel wide. Colours are the theme's when made. */
export function drawSelectedBand(selected: () => TimeRange | null): (u: uPlot) => void {
  const band = themeColor('--range-band', 'rgba(78,156,255,0.16)');
  const accent = themeColor('--accent', '#4e9cff');
  return (u) => {
    const range = selected();
    if (!range) return;
    const edge = window.devicePixelRatio || 1;
    const left = Math.max(u.bbox.left, u.valToPos(range.fromUs / 1e6, 'x', true));
    const right = Math.min(u.bbox.left + u.bbox.width, u.valToPos(range.toUs / 1e6, 'x', true));
    if (right <= left) return;
    u.ctx.save();
    u.ctx.fillStyle = band;
    u.ctx.fillRect(left, u.bbox.top, right - left, u.bbox.height);
    u.ctx.fillStyle = accent;
    u.ctx.fillRect(left, u.bbox.top, edge, u.bbox.height);
    u.ctx.fillRect(right - edge, u.bbox.top, edge, u.bbox.height);
    u.ctx.restore();
  };
}
