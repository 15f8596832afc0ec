// OTLP ExportTraceServiceRequest -> span records. A span whose ids or start time are not valid is
// skipped and counted; everything else about a span is kept as sent (plus the current HTTP names).
import type { SpanKind } from '../../../../shared/domain';
import type { NewSpan } from '../../store/spans';
import { addCurrentHttpNames } from './http-semconv';
import { type Converted, INVALID_ID, type Tally, type Tree, asTree, field, intAt, listAt, nanosToUs, plainAttributes, readId, resourceOf, stringAt, treeAt } from './otlp-values';

const SPAN_KIND_NAMES: Readonly<Record<string, number>> = {
  SPAN_KIND_UNSPECIFIED: 0,
  SPAN_KIND_INTERNAL: 1,
  SPAN_KIND_SERVER: 2,
  SPAN_KIND_CLIENT: 3,
  SPAN_KIND_PRODUCER: 4,
  SPAN_KIND_CONSUMER: 5,
};
const STATUS_CODE_NAMES: Readonly<Record<string, number>> = { STATUS_CODE_UNSET: 0, STATUS_CODE_OK: 1, STATUS_CODE_ERROR: 2 };

/** Spans of one request, in the order sent. */
export function spansFromRequest(request: Tree, tally: Tally): Converted<NewSpan> {
  const items: NewSpan[] = [];
  let rejected = 0;
  for (const resourceSpans of listAt(request, 'resourceSpans')) {
    const batch = asTree(resourceSpans);
    const resource = resourceOf(batch, tally);
    for (const scopeSpans of listAt(batch, 'scopeSpans')) {
      const scopeBatch = asTree(scopeSpans);
      const scope = treeAt(scopeBatch, 'scope');
      const origin: SpanOrigin = { resource, scopeName: stringAt(scope, 'name'), scopeVersion: stringAt(scope, 'version') };
      for (const value of listAt(scopeBatch, 'spans')) {
        const span = spanFrom(asTree(value), origin, tally);
        if (span) items.push(span);
        else rejected++;
      }
    }
  }
  return { items, rejected };
}

interface SpanOrigin {
  resource: Record<string, unknown>;
  scopeName: string;
  scopeVersion: string;
}

function spanFrom(span: Tree | null, origin: SpanOrigin, tally: Tally): NewSpan | null {
  if (!span) {
    tally('span skipped: not an object');
    return null;
  }
  const traceId = readId(field(span, 'traceId'), 16);
  const spanId = readId(field(span, 'spanId'), 8);
  const parentSpanId = readId(field(span, 'parentSpanId'), 8);
  if (traceId === null || traceId === INVALID_ID) {
    tally('span skipped: missing or invalid trace id');
    return null;
  }
  if (spanId === null || spanId === INVALID_ID) {
    tally('span skipped: missing or invalid span id');
    return null;
  }
  if (parentSpanId === INVALID_ID) {
    tally('span skipped: invalid parent span id');
    return null;
  }
  const startUs = nanosToUs(field(span, 'startTimeUnixNano'));
  let endUs = nanosToUs(field(span, 'endTimeUnixNano'));
  if (startUs === null || startUs === 0) {
    tally('span skipped: missing or invalid start time');
    return null;
  }
  if (endUs === null || endUs < startUs) {
    tally('span end time missing or before its start (set to the start)');
    endUs = startUs;
  }

  const kindNumber = intAt(span, 'kind', SPAN_KIND_NAMES) ?? 0;
  const kind = (kindNumber >= 0 && kindNumber <= 5 ? kindNumber : 0) as SpanKind;
  const status = treeAt(span, 'status');
  const code = intAt(status, 'code', STATUS_CODE_NAMES) ?? 0;
  const statusMessage = stringAt(status, 'message');

  const attributes = plainAttributes(listAt(span, 'attributes'), tally);
  addCurrentHttpNames(attributes, kind);
  // otel.scope.* is how the conventions carry the scope in formats without a scope field.
  if (origin.scopeName && !Object.hasOwn(attributes, 'otel.scope.name')) attributes['otel.scope.name'] = origin.scopeName;
  if (origin.scopeVersion && !Object.hasOwn(attributes, 'otel.scope.version')) attributes['otel.scope.version'] = origin.scopeVersion;

  return {
    traceId,
    spanId,
    parentSpanId,
    name: stringAt(span, 'name'),
    kind,
    startUs,
    endUs,
    statusCode: code === 1 || code === 2 ? code : 0,
    statusMessage: statusMessage === '' ? null : statusMessage,
    thread: null,
    source: 'otlp',
    attributes,
    resource: origin.resource,
  };
}
