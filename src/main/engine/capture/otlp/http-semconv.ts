// HTTP semantic conventions, old (<= 1.20) and current (stable since 1.23): spans keep the
// attributes as sent and gain the current name where only the old one is present, so views can
// read the current names alone. Mapping from semantic-conventions docs/non-normative/http-migration.md.

/** Old name -> current name, whatever the span kind. */
const RENAMES: readonly (readonly [string, string])[] = [
  ['http.method', 'http.request.method'],
  ['http.status_code', 'http.response.status_code'],
  ['http.url', 'url.full'],
  ['http.scheme', 'url.scheme'],
  ['http.user_agent', 'user_agent.original'],
  ['http.client_ip', 'client.address'],
  ['http.request_content_length', 'http.request.body.size'],
  ['http.response_content_length', 'http.response.body.size'],
  ['net.sock.peer.addr', 'network.peer.address'],
  ['net.sock.peer.port', 'network.peer.port'],
  ['net.protocol.name', 'network.protocol.name'],
  ['net.protocol.version', 'network.protocol.version'],
];

/** Where the server's own address was named: net.host.* on server spans, net.peer.* on client spans. */
const SERVER_SIDE: readonly (readonly [string, string])[] = [
  ['net.host.name', 'server.address'],
  ['net.host.port', 'server.port'],
];
const CLIENT_SIDE: readonly (readonly [string, string])[] = [
  ['net.peer.name', 'server.address'],
  ['net.peer.port', 'server.port'],
];

const SPAN_KIND_CLIENT = 3;

/**
 * Adds the current HTTP attribute names to `attributes` (in place) where only the old names are
 * present; never overwrites a value that was sent.
 */
export function addCurrentHttpNames(attributes: Record<string, unknown>, spanKind: number): void {
  for (const [oldName, currentName] of RENAMES) copyIfMissing(attributes, oldName, currentName);
  for (const [oldName, currentName] of spanKind === SPAN_KIND_CLIENT ? CLIENT_SIDE : SERVER_SIDE) {
    copyIfMissing(attributes, oldName, currentName);
  }
  // http.flavor "1.1" became network.protocol.version, and the protocol it names is HTTP.
  if (Object.hasOwn(attributes, 'http.flavor')) {
    copyIfMissing(attributes, 'http.flavor', 'network.protocol.version');
    setIfMissing(attributes, 'network.protocol.name', 'http');
  }
  splitTarget(attributes);
}

/** http.target ("/path?query") became url.path and url.query. */
function splitTarget(attributes: Record<string, unknown>): void {
  const target = attributes['http.target'];
  if (typeof target !== 'string' || Object.hasOwn(attributes, 'url.path')) return;
  const queryAt = target.indexOf('?');
  setIfMissing(attributes, 'url.path', queryAt < 0 ? target : target.slice(0, queryAt));
  if (queryAt >= 0) setIfMissing(attributes, 'url.query', target.slice(queryAt + 1));
}

function copyIfMissing(attributes: Record<string, unknown>, from: string, to: string): void {
  if (Object.hasOwn(attributes, from)) setIfMissing(attributes, to, attributes[from]);
}

function setIfMissing(attributes: Record<string, unknown>, key: string, value: unknown): void {
  if (!Object.hasOwn(attributes, key)) attributes[key] = value;
}
