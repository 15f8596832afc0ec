// OTLP ExportLogsServiceRequest -> log records in the OTel log data model. A bad trace or span id
// is dropped (the record stays) and counted: ids are never guessed.
import type { NewLog } from '../../store/logs';
import { logLevelOf, severityOfLevelName } from '../stdout/severity';
import { type Converted, INVALID_ID, type Tally, type Tree, asTree, field, intAt, listAt, nanosToUs, plainAttributes, plainValue, readId, resourceOf, stringAt } from './otlp-values';

/** Log records of one request; `receivedUs` stands in when a record carries no time at all. */
export function logsFromRequest(request: Tree, tally: Tally, receivedUs: number): Converted<NewLog> {
  const items: NewLog[] = [];
  let rejected = 0;
  for (const resourceLogs of listAt(request, 'resourceLogs')) {
    const batch = asTree(resourceLogs);
    const resource = resourceOf(batch, tally);
    for (const scopeLogs of listAt(batch, 'scopeLogs')) {
      const scopeBatch = asTree(scopeLogs);
      const scopeName = stringAt(asTree(field(scopeBatch, 'scope')), 'name');
      for (const value of listAt(scopeBatch, 'logRecords')) {
        const record = asTree(value);
        if (!record) {
          tally('log record skipped: not an object');
          rejected++;
          continue;
        }
        items.push(logFrom(record, resource, scopeName, tally, receivedUs));
      }
    }
  }
  return { items, rejected };
}

function logFrom(record: Tree, resource: Record<string, unknown>, scopeName: string, tally: Tally, receivedUs: number): NewLog {
  const timeUs = nanosToUs(field(record, 'timeUnixNano')) || nanosToUs(field(record, 'observedTimeUnixNano')) || receivedUs;
  const rawSeverity = intAt(record, 'severityNumber');
  const severityNumber = rawSeverity !== null && rawSeverity >= 1 && rawSeverity <= 24 ? rawSeverity : null;
  const severityText = stringAt(record, 'severityText');

  let traceId = readId(field(record, 'traceId'), 16);
  let spanId = readId(field(record, 'spanId'), 8);
  if (traceId === INVALID_ID) {
    tally('log trace id invalid (dropped from the record)');
    traceId = null;
  }
  if (spanId === INVALID_ID) {
    tally('log span id invalid (dropped from the record)');
    spanId = null;
  }

  const attributes = plainAttributes(listAt(record, 'attributes'), tally);
  const extra: Record<string, unknown> = { resource };
  if (severityText) extra.severityText = severityText;
  if (scopeName) extra['otel.scope.name'] = scopeName;
  const eventName = stringAt(record, 'eventName');
  if (eventName) extra['event.name'] = eventName;
  // The record's own attributes win over what the receiver adds.
  for (const [key, value] of Object.entries(extra)) if (!Object.hasOwn(attributes, key)) attributes[key] = value;

  return {
    timeUs,
    // Severity number first; the text only when no number was sent (the data model's rule).
    level: logLevelOf(severityNumber ?? severityOfLevelName(severityText)),
    source: 'otlp',
    text: textOf(field(record, 'body'), eventName, tally),
    url: null,
    line: null,
    threadId: 0,
    severityNumber,
    traceId,
    spanId,
    attributes,
  };
}

/** A string body as it is; a structured body as JSON; no body: the event name, if any. */
function textOf(body: unknown, eventName: string, tally: Tally): string {
  const value = plainValue(body, tally);
  if (value === null) return eventName;
  return typeof value === 'string' ? value : JSON.stringify(value);
}
