// Fetches the timeline's answer for a padded, quantised window around the view, only when the view
// outgrows what is loaded; recent answers are kept, so zooming back and forth asks nothing twice.
// While the view is moving (keys held, wheel turning) it asks only when what is loaded covers little
// of the view, and one question at a time: an answer of a few MiB takes tens of ms to decode and lay
// out, which would cost frames; the view draws from what is loaded and the detail follows once it rests.
import { useEffect, useRef, useState } from 'react';
import type { TimeRange } from '../../../shared/domain';
import { messageOf } from '../../../shared/errors';
import type { TimelineAnswer, TimelineFunction } from '../../../shared/timeline';
import { fetchWindow, needsFetch, type Plot } from '../../canvas/timeline-scale';
import { api } from '../../state/api';
import { markDrawn, markDrawPending } from '../../state/idle';
import { timelineInput } from './timeline-window';

/** Lets a burst of key presses or wheel steps settle into one request. */
const SETTLE_MS = 40;
const FETCH_KEY = 'timeline-fetch';
/** Answers kept per session view; a few MiB at most. */
const KEPT_ANSWERS = 6;
/** The view counts as moving until it has rested this long. */
const QUIET_MS = 220;
/** While it moves, a new answer is asked for only when the loaded one covers less of the view than this. */
const MOVING_MIN_COVERAGE = 0.35;
/** Columns asked for (across twice the view) while the view moves, as a share of the plot's: fewer to decode, refined at rest. */
const MOVING_COARSENING = 2;

/** The view with half its width added either side. */
function widened(view: TimeRange): TimeRange {
  const half = (view.toUs - view.fromUs) / 2;
  return { fromUs: view.fromUs - half, toUs: view.toUs + half };
}

/** Share of the view's time the loaded window covers. */
function coverage(view: TimeRange, loaded: TimeRange | null): number {
  if (!loaded) return 0;
  const overlap = Math.min(view.toUs, loaded.toUs) - Math.max(view.fromUs, loaded.fromUs);
  return Math.max(0, overlap) / Math.max(1, view.toUs - view.fromUs);
}

export interface TimelineData {
  answer: TimelineAnswer | null;
  functions: TimelineFunction[];
  error: string | null;
}

export function useTimelineData(sessionId: string, view: TimeRange | null, plot: Plot, liveTick: number): TimelineData {
  const [data, setData] = useState<TimelineData>({ answer: null, functions: [], error: null });
  const dataRef = useRef(data);
  dataRef.current = data;
  const functionsRef = useRef<TimelineFunction[]>([]);
  const kept = useRef(new Map<string, TimelineAnswer>());
  const generation = useRef(0);
  const loadedTick = useRef(liveTick);
  const viewRef = useRef(view);
  const movedAt = useRef(0);
  const inFlight = useRef(false);
  const sessionRef = useRef(sessionId);
  sessionRef.current = sessionId;
  if (view && viewRef.current && (view.fromUs !== viewRef.current.fromUs || view.toUs !== viewRef.current.toUs)) movedAt.current = performance.now();
  viewRef.current = view;
  const loaded = data.answer && data.answer.range ? { range: data.answer.range, resolutionUs: data.answer.resolutionUs } : null;
  const stale = loadedTick.current !== liveTick;

  useEffect(() => {
    functionsRef.current = [];
    kept.current.clear();
    generation.current++;
    setData({ answer: null, functions: [], error: null });
  }, [sessionId]);

  const wanted = view !== null && plot.widthPx > 0 && (stale || needsFetch(view, plot, loaded));
  // Views that quantise to one window share one request: later key presses do not restart its wait.
  const target = wanted && view ? fetchWindow(view, plot) : null;
  const targetKey = target ? `${liveTick}:${target.range.fromUs}:${target.range.toUs}:${target.widthPx}` : null;
  useEffect(() => {
    if (!target || !targetKey) return;
    const mine = ++generation.current;
    const known = kept.current.get(targetKey);
    if (known) {
      kept.current.delete(targetKey);
      kept.current.set(targetKey, known);
      loadedTick.current = liveTick;
      setData({ answer: known, functions: functionsRef.current, error: null });
      return;
    }
    // Waiting to ask counts as pending work for the idle signal; the call itself counts once made.
    markDrawPending(FETCH_KEY);
    let timer = 0;
    const askWhenDue = (): void => {
      const shown = viewRef.current;
      const sinceMoveMs = performance.now() - Math.max(movedAt.current, timelineInput.lastMs);
      const moving = sinceMoveMs < QUIET_MS;
      const starved = shown === null || coverage(shown, dataRef.current.answer?.range ?? null) < MOVING_MIN_COVERAGE;
      if (inFlight.current || (moving && !starved)) {
        timer = window.setTimeout(askWhenDue, inFlight.current ? SETTLE_MS : Math.max(SETTLE_MS, QUIET_MS - sinceMoveMs));
        return;
      }
      // Starved while moving: a stopgap twice as wide at a quarter of the resolution, so it decodes in half the
      // time and lasts twice as long before the view leaves it; the detail follows at rest.
      const coarse = moving && shown !== null ? fetchWindow(widened(shown), { leftPx: plot.leftPx, widthPx: Math.max(1, Math.round(plot.widthPx / MOVING_COARSENING)) }) : null;
      const { range, widthPx } = coarse ?? target;
      const ask = (includeFunctions: boolean): void => {
        inFlight.current = true;
        api.getTimeline(sessionId, { range, widthPx, includeFunctions }).then(
          (answer) => {
            inFlight.current = false;
            if (sessionId !== sessionRef.current) return;
            if (coarse || mine !== generation.current) {
              // The view moved on while this was asked, or it is a stopgap: it still beats a loaded answer that covers less of the view.
              const now = viewRef.current;
              if (answer.functions) functionsRef.current = answer.functions;
              if (now && answer.functionCount <= functionsRef.current.length && coverage(now, answer.range) > coverage(now, dataRef.current.answer?.range ?? null)) {
                setData({ answer, functions: functionsRef.current, error: null });
              }
              if (coarse && mine === generation.current) {
                markDrawPending(FETCH_KEY);
                timer = window.setTimeout(askWhenDue, SETTLE_MS);
              }
              return;
            }
            if (answer.functions) functionsRef.current = answer.functions;
            // The table grew while recording: ask again with it.
            if (answer.functionCount > functionsRef.current.length && !includeFunctions) return ask(true);
            loadedTick.current = liveTick;
            kept.current.set(targetKey, answer);
            while (kept.current.size > KEPT_ANSWERS) kept.current.delete(kept.current.keys().next().value!);
            setData({ answer, functions: functionsRef.current, error: null });
          },
          (error: unknown) => {
            inFlight.current = false;
            if (mine === generation.current) setData((old) => ({ ...old, error: messageOf(error) }));
          },
        );
      };
      ask(functionsRef.current.length === 0);
      markDrawn(FETCH_KEY);
    };
    timer = window.setTimeout(askWhenDue, SETTLE_MS);
    return () => {
      window.clearTimeout(timer);
      markDrawn(FETCH_KEY);
    };
    // The target is derived from targetKey (with sessionId); the view itself may move within it.
  }, [targetKey, sessionId]);

  return data;
}
