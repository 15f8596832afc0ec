// Fetches the timeline's answer for a padded, quantised window around the view, only when the view
// outgrows what is loaded; recent answers are kept, so zooming back and forth asks nothing twice.
import { useEffect, useRef, useState } from 'react';
import type { TimeRange } from '../../../shared/domain';
import { messageOf } from '../../../shared/errors';
import type { TimelineAnswer, TimelineFunction } from '../../../shared/timeline';
import { fetchWindow, needsFetch, type Plot } from '../../canvas/timeline-scale';
import { api } from '../../state/api';
import { markDrawn, markDrawPending } from '../../state/idle';

/** Lets a burst of key presses or wheel steps settle into one request. */
const SETTLE_MS = 40;
const FETCH_KEY = 'timeline-fetch';
/** Answers kept per session view; a few MiB at most. */
const KEPT_ANSWERS = 6;

export interface TimelineData {
  answer: TimelineAnswer | null;
  functions: TimelineFunction[];
  error: string | null;
}

export function useTimelineData(sessionId: string, view: TimeRange | null, plot: Plot, liveTick: number): TimelineData {
  const [data, setData] = useState<TimelineData>({ answer: null, functions: [], error: null });
  const functionsRef = useRef<TimelineFunction[]>([]);
  const kept = useRef(new Map<string, TimelineAnswer>());
  const generation = useRef(0);
  const loadedTick = useRef(liveTick);
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
    const timer = window.setTimeout(() => {
      const { range, widthPx } = target;
      const ask = (includeFunctions: boolean): void => {
        api.getTimeline(sessionId, { range, widthPx, includeFunctions }).then(
          (answer) => {
            if (mine !== generation.current) return;
            if (answer.functions) functionsRef.current = answer.functions;
            // The table grew while recording: ask again with it.
            if (answer.functionCount > functionsRef.current.length && !includeFunctions) return ask(true);
            loadedTick.current = liveTick;
            kept.current.set(targetKey, answer);
            while (kept.current.size > KEPT_ANSWERS) kept.current.delete(kept.current.keys().next().value!);
            setData({ answer, functions: functionsRef.current, error: null });
          },
          (error: unknown) => {
            if (mine === generation.current) setData((old) => ({ ...old, error: messageOf(error) }));
          },
        );
      };
      ask(functionsRef.current.length === 0);
      markDrawn(FETCH_KEY);
    }, SETTLE_MS);
    return () => {
      window.clearTimeout(timer);
      markDrawn(FETCH_KEY);
    };
    // The target is derived from targetKey (with sessionId); the view itself may move within it.
  }, [targetKey, sessionId]);

  return data;
}
