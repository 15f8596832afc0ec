// Reading exported files back the way their consumers do: JSON.parse for the JSON formats (with
// the shape DevTools expects checked), and pprof-format's own decoder (not ours) for pprof.
import { readFileSync } from 'node:fs';
import { gunzipSync } from 'node:zlib';
import { Profile } from 'pprof-format';
import { expect } from 'vitest';

export interface CpuProfileJson {
  nodes: { id: number; callFrame: { functionName: string; scriptId: string; url: string; lineNumber: number; columnNumber: number }; hitCount: number; children: number[] }[];
  startTime: number;
  endTime: number;
  samples: number[];
  timeDeltas: number[];
}

/** Parses a .cpuprofile and checks what DevTools relies on: unique ids, children and samples that name nodes, one delta per sample. */
export function readCpuProfile(path: string): CpuProfileJson {
  const profile = JSON.parse(readFileSync(path, 'utf8')) as CpuProfileJson;
  const ids = new Set(profile.nodes.map((n) => n.id));
  const problems: string[] = [];
  if (ids.size !== profile.nodes.length) problems.push('duplicate node ids');
  if (!profile.nodes.every((n) => n.children.every((c) => ids.has(c)))) problems.push('a child names no node');
  if (profile.samples.length !== profile.timeDeltas.length) problems.push('samples and timeDeltas differ in length');
  if (!profile.samples.every((s) => ids.has(s))) problems.push('a sample names no node');
  if (!profile.timeDeltas.every((d) => Number.isInteger(d) && d >= 0)) problems.push('a time delta is negative or fractional');
  if (profile.nodes.reduce((sum, n) => sum + n.hitCount, 0) !== profile.samples.length) problems.push('hit counts do not add up to the samples');
  if (!(profile.endTime >= profile.startTime)) problems.push('endTime before startTime');
  expect(problems, path).toEqual([]);
  return profile;
}

export interface DecodedPprof {
  profile: Profile;
  str(index: number | bigint): string;
  /** Sample values by sample type name. */
  total(type: string): number;
  functionNames(): string[];
  /** Labels of each sample as key -> value. */
  sampleLabels(): { labels: Record<string, string>; values: number[]; stack: string[] }[];
}

export function decodePprof(gzipped: Uint8Array): DecodedPprof {
  const profile = Profile.decode(gunzipSync(gzipped));
  const str = (index: number | bigint): string => profile.stringTable.strings[Number(index)] ?? '';
  const functionName = new Map(profile.function.map((f) => [Number(f.id), str(f.name)]));
  const locationName = new Map(profile.location.map((l) => [Number(l.id), functionName.get(Number(l.line[0]?.functionId)) ?? '?']));
  return {
    profile,
    str,
    total: (type) => {
      const at = profile.sampleType.findIndex((t) => str(t.type) === type);
      return profile.sample.reduce((sum, s) => sum + Number(s.value[at] ?? 0), 0);
    },
    functionNames: () => [...functionName.values()],
    sampleLabels: () =>
      profile.sample.map((s) => ({
        labels: Object.fromEntries(s.label.map((l) => [str(l.key), str(l.str)])),
        values: s.value.map(Number),
        stack: s.locationId.map((id) => locationName.get(Number(id)) ?? '?'),
      })),
  };
}

export function readPprof(path: string): DecodedPprof {
  return decodePprof(readFileSync(path));
}

export interface TraceEvent {
  ph: string;
  name: string;
  cat?: string;
  ts: number;
  pid: number;
  tid: number;
  dur?: number;
  s?: string;
  id?: string;
  id2?: { global?: string };
  args?: Record<string, unknown>;
}

export function readChromeTrace(path: string): TraceEvent[] {
  const trace = JSON.parse(readFileSync(path, 'utf8')) as { traceEvents: TraceEvent[]; displayTimeUnit: string };
  expect(Array.isArray(trace.traceEvents)).toBe(true);
  expect(trace.traceEvents.filter((e) => typeof e.ph !== 'string' || !Number.isFinite(e.ts))).toEqual([]);
  return trace.traceEvents;
}
