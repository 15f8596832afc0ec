// A small glyph for an OpenTelemetry span kind (server, client, producer...).
import type { SpanKind } from '../../../shared/domain';

export const SPAN_KIND: Record<SpanKind, { glyph: string; label: string }> = {
  0: { glyph: '·', label: 'unspecified' },
  1: { glyph: '◇', label: 'internal' },
  2: { glyph: '⇤', label: 'server' },
  3: { glyph: '⇥', label: 'client' },
  4: { glyph: '↗', label: 'producer' },
  5: { glyph: '↘', label: 'consumer' },
};

export function SpanKindIcon({ kind }: { kind: SpanKind }) {
  const entry = SPAN_KIND[kind] ?? SPAN_KIND[0];
  return (
    <span className={`span-kind kind-${kind}`} title={entry.label} aria-label={entry.label} role="img">
      {entry.glyph}
    </span>
  );
}
