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
  expect(ids.size).toBe(profile.nodes.length);
  for (const node of profile.nodes) for (const child of node.children) expect(ids.has(child)).toBe(true);
  expect(profile.samples.length).toBe(profile.timeDeltas.length);
  for (const sample of profile.samples) expect(ids.has(sample)).toBe(true);
  for (const delta of profile.timeDeltas) expect(delta).toBeGreaterThanOrEqual(0);
  const hits = profile.nodes.reduce((sum, n) => sum + n.hitCount, 0);
  expect(hits).toBe(profile.samples.length);
  expect(profile.endTime).toBeGreaterThanOrEqual(profile.startTime);
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
  for (const event of trace.traceEvents) {
    expect(typeof event.ph).toBe('string');
    expect(Number.isFinite(event.ts)).toBe(true);
  }
  return trace.traceEvents;
}
