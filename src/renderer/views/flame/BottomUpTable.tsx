// Bottom-up: self time by function over the selection, each row expandable to the paths that call it.
import { Fragment, useMemo, useState, type ReactNode } from 'react';
import { frameLabel } from '../../canvas/flame-draw';
import type { FlameIndex } from '../../canvas/flame-layout';
import { formatWeight, type WeightTree } from '../../canvas/flame-weights';
import { formatPercent } from '../../format/units';
import { useFlameView } from '../../state/flame-view';
import { sourceLocation } from './FlameTooltip';
import { bottomUpRows, callersTree, functionKeyOf } from './call-views';

/** Rows drawn at once; the table is for the heavy end, search finds the rest. */
const ROW_LIMIT = 300;
const INDENT_PX = 16;

/** The text with each case-insensitive occurrence of the search wrapped in <mark>. */
export function Highlighted({ text, query }: { text: string; query: string }) {
  const needle = query.trim().toLowerCase();
  if (!needle) return <>{text}</>;
  const parts: ReactNode[] = [];
  const lower = text.toLowerCase();
  let at = 0;
  for (let hit = lower.indexOf(needle); hit >= 0; hit = lower.indexOf(needle, at)) {
    if (hit > at) parts.push(text.slice(at, hit));
    parts.push(<mark key={hit}>{text.slice(hit, hit + needle.length)}</mark>);
    at = hit + needle.length;
  }
  parts.push(text.slice(at));
  return <>{parts}</>;
}

function shortFile(url: string, line: number): string {
  if (!url) return '';
  const file = url.split(/[\\/]/).filter(Boolean).pop() ?? url;
  return line > 0 ? `${file}:${line}` : file;
}

/** The callers of one function, nested, opened one level at a time. */
function CallerRows({ tree, node, depth, rootTotal, query }: { tree: WeightTree; node: number; depth: number; rootTotal: number; query: string }) {
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const children = useMemo(() => {
    const list: number[] = [];
    for (let i = 1; i < tree.parent.length; i++) if (tree.parent[i] === node) list.push(i);
    return list.sort((a, b) => (tree.total[b] ?? 0) - (tree.total[a] ?? 0));
  }, [tree, node]);
  return (
    <>
      {children.map((child) => {
        const fn = tree.functions[tree.functionId[child] ?? -1];
        const hasCallers = tree.parent.some((p) => p === child);
        const isOpen = open.has(child);
        return (
          <Fragment key={child}>
            <tr className="bottom-up-caller" data-testid="bottom-up-caller">
              <td className="num mono muted">–</td>
              <td className="num mono">{formatWeight(tree.total[child] ?? 0, tree.unit)}</td>
              <td className="num mono muted">{formatPercent((tree.total[child] ?? 0) / rootTotal)}</td>
              <td>
                <span className="bottom-up-name" style={{ paddingLeft: depth * INDENT_PX }}>
                  {hasCallers ? (
                    <button type="button" className="tree-toggle" aria-expanded={isOpen} aria-label={isOpen ? 'Hide callers' : 'Show callers'} onClick={() => setOpen((s) => toggled(s, child))}>
                      {isOpen ? '▾' : '▸'}
                    </button>
                  ) : (
                    <span className="tree-toggle-space" />
                  )}
                  <span className="mono ellipsis">
                    <Highlighted text={frameLabel(fn?.name ?? '')} query={query} />
                  </span>
                </span>
              </td>
              <td className="mono muted ellipsis" title={fn ? sourceLocation(fn.url, fn.line) : ''}>
                <Highlighted text={fn ? shortFile(fn.url, fn.line) : ''} query={query} />
              </td>
            </tr>
            {isOpen && <CallerRows tree={tree} node={child} depth={depth + 1} rootTotal={rootTotal} query={query} />}
          </Fragment>
        );
      })}
    </>
  );
}

function toggled(set: Set<number>, item: number): Set<number> {
  const next = new Set(set);
  if (next.has(item)) next.delete(item);
  else next.add(item);
  return next;
}

export function BottomUpTable({ index, matches }: { index: FlameIndex; matches: Uint8Array | null }) {
  const { tree } = index;
  const query = useFlameView((state) => state.query);
  const focus = useFlameView((state) => state.focus);
  const setFocus = useFlameView((state) => state.setFocus);
  const rows = useMemo(() => bottomUpRows(tree), [tree]);
  const [open, setOpen] = useState<Set<number>>(() => new Set());
  const callers = useMemo(() => new Map([...open].map((fn) => [fn, callersTree(tree, fn)])), [open, tree]);
  const rootTotal = tree.total[0] || 1;
  const shown = matches ? rows.filter((row) => matches[row.fn] === 1) : rows;

  return (
    <div className="bottom-up-scroll">
      <table className="data-table bottom-up" data-testid="bottom-up" data-rows={shown.length}>
        <thead>
          <tr>
            <th className="num col-dur">Self</th>
            <th className="num col-dur">Total</th>
            <th className="num col-small">Self %</th>
            <th>Function</th>
            <th className="col-where">Location</th>
          </tr>
        </thead>
        <tbody>
          {shown.slice(0, ROW_LIMIT).map((row) => {
            const fn = tree.functions[row.fn]!;
            const key = functionKeyOf(fn);
            const isOpen = open.has(row.fn);
            return (
              <Fragment key={row.fn}>
                <tr
                  className={key === focus ? 'is-selected' : undefined}
                  data-testid="bottom-up-row"
                  data-function={fn.name}
                  onClick={() => setFocus(key === focus ? null : key)}
                >
                  <td className="num mono">{formatWeight(row.self, tree.unit)}</td>
                  <td className="num mono">{formatWeight(row.total, tree.unit)}</td>
                  <td className="num mono muted">{formatPercent(row.self / rootTotal)}</td>
                  <td>
                    <span className="bottom-up-name">
                      <button
                        type="button"
                        className="tree-toggle"
                        aria-expanded={isOpen}
                        aria-label={isOpen ? 'Hide callers' : 'Show callers'}
                        onClick={(event) => {
                          event.stopPropagation();
                          setOpen((s) => toggled(s, row.fn));
                        }}
                      >
                        {isOpen ? '▾' : '▸'}
                      </button>
                      <span className="mono ellipsis">
                        <Highlighted text={frameLabel(fn.name)} query={query} />
                      </span>
                    </span>
                  </td>
                  <td className="mono muted ellipsis" title={sourceLocation(fn.url, fn.line)}>
                    <Highlighted text={shortFile(fn.url, fn.line)} query={query} />
                  </td>
                </tr>
                {isOpen && callers.get(row.fn) && <CallerRows tree={callers.get(row.fn)!} node={0} depth={1} rootTotal={rootTotal} query={query} />}
              </Fragment>
            );
          })}
        </tbody>
      </table>
      {shown.length > ROW_LIMIT && <p className="muted table-note">The {ROW_LIMIT} heaviest of {shown.length} functions; search to find the others.</p>}
      {matches && shown.length === 0 && <p className="muted table-note">No function matches the search.</p>}
    </div>
  );
}
