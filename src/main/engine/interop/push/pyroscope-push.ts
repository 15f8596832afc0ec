// Push to Grafana Pyroscope: its ingest API (POST URL/ingest?name=APP{labels}&from&until&format=pprof
// &spyName&sampleRate, the profile as the multipart field "profile", as Pyroscope's own Node.js
// client sends it). CPU and heap go as separate pprof profiles; CPU samples inside spans carry
// span_id, trace_id and span_name labels (what Pyroscope's span profiles use to link a span to its
// samples). Times are Unix seconds.
import { ParallaxError } from '../../../../shared/errors';
import type { Store } from '../../store/store';
import { type PprofProfile, cpuPprof, heapPprof } from '../export/pprof';
import { spanResources } from '../export/session-rows';
import { answerText, multipartFile, post } from './http-post';

export interface PushedProfile {
  kind: 'cpu' | 'heap';
  url: string;
  samples: number;
}

export async function pushPyroscope(store: Store, sessionId: string, baseUrl: string): Promise<PushedProfile[]> {
  const session = store.sessions.get(sessionId);
  const app = applicationName(store, sessionId, session.target.title ?? session.name);
  const name = `${app}{parallax_session=${labelValue(session.id)}}`;
  const pushed: PushedProfile[] = [];
  const profiles: ['cpu' | 'heap', PprofProfile | null][] = [
    ['cpu', cpuPprof(store, sessionId)],
    ['heap', heapPprof(store, sessionId)],
  ];
  for (const [kind, profile] of profiles) {
    if (!profile) continue;
    const query = new URLSearchParams({
      name,
      from: String(Math.floor(profile.fromUs / 1e6)),
      until: String(Math.max(Math.ceil(profile.toUs / 1e6), Math.floor(profile.fromUs / 1e6) + 1)),
      format: 'pprof',
      spyName: 'nodespy',
      sampleRate: String(Math.max(Math.round(1e6 / session.intervalUs), 1)),
    });
    const url = `${baseUrl.replace(/\/+$/, '')}/ingest?${query.toString()}`;
    const form = multipartFile('profile', 'profile.pprof', profile.bytes);
    const answer = await post(url, form.body, { 'content-type': form.contentType }, `the ${kind} profile`);
    if (answer.status < 200 || answer.status > 299) {
      const text = answerText(answer);
      throw new ParallaxError('bad-request', `${url.split('?')[0]} answered HTTP ${answer.status} to the ${kind} profile${text ? `: ${text}` : ''}`);
    }
    pushed.push({ kind, url, samples: profile.sampleCount });
  }
  return pushed;
}

/** The spans' service.name when they have one (so profiles and traces name the same service), else the target. */
function applicationName(store: Store, sessionId: string, fallback: string): string {
  for (const text of spanResources(store, sessionId)) {
    try {
      const service = (JSON.parse(text) as Record<string, unknown>)['service.name'];
      if (typeof service === 'string' && service) return appName(service);
    } catch {
      // A resource that does not parse names nothing.
    }
  }
  return appName(fallback);
}

/** Pyroscope application names: letters, digits, dot, dash, underscore. */
function appName(name: string): string {
  return name.replace(/[^A-Za-z0-9._-]+/g, '_').replace(/^_+|_+$/g, '').slice(0, 100) || 'parallax';
}

function labelValue(value: string): string {
  return value.replace(/[^A-Za-z0-9._-]+/g, '_');
}
