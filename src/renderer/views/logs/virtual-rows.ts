// Pure virtualisation math for a fixed-row-height list: which rows and pages the viewport needs.

export interface RowWindow {
  /** First and last row index to render (inclusive); last < first when there are none. */
  first: number;
  last: number;
}

export function visibleRows(scrollTop: number, viewportHeight: number, rowHeight: number, total: number, overscan = 8): RowWindow {
  if (total <= 0 || rowHeight <= 0) return { first: 0, last: -1 };
  const top = Math.max(0, Math.floor(scrollTop / rowHeight) - overscan);
  const bottom = Math.min(total - 1, Math.ceil((scrollTop + Math.max(0, viewportHeight)) / rowHeight) + overscan);
  return { first: Math.min(top, total - 1), last: bottom };
}

export function pagesFor(window: RowWindow, pageSize: number): { first: number; last: number } {
  if (window.last < window.first) return { first: 0, last: 0 };
  return { first: Math.floor(window.first / pageSize), last: Math.floor(window.last / pageSize) };
}
