// Turns console API arguments (CDP RemoteObjects) into one line of text, as Node's console would.
import type Protocol from 'devtools-protocol';

type RemoteObject = Protocol.Runtime.RemoteObject;

export function formatConsoleArgs(args: RemoteObject[]): string {
  if (args.length === 0) return '';
  const [first, ...rest] = args;
  const hasFormat = first!.type === 'string' && typeof first!.value === 'string' && first!.value.includes('%');
  const parts = [hasFormat ? substitute(first!.value as string, rest) : describe(first!, true)];
  for (const arg of rest) parts.push(describe(arg, true));
  return parts.join(' ');
}

/** Applies printf-style directives (%s %d %i %f %j %o %O %c %%) and consumes the args they use. */
function substitute(format: string, rest: RemoteObject[]): string {
  return format.replace(/%[sdifjoOc%]/g, (directive) => {
    if (directive === '%%') return '%';
    const arg = rest.shift();
    if (!arg) return directive;
    switch (directive) {
      case '%d':
      case '%i':
        return arg.type === 'number' ? String(directive === '%i' ? Math.trunc(Number(arg.value)) : arg.value) : 'NaN';
      case '%f':
        return arg.type === 'number' ? String(arg.value) : 'NaN';
      case '%c':
        return '';
      default:
        return describe(arg, directive === '%s');
    }
  });
}

/** One argument as text: strings bare at the top level, objects from their preview. */
export function describe(arg: RemoteObject, bareString: boolean): string {
  switch (arg.type) {
    case 'string':
      return bareString ? String(arg.value) : JSON.stringify(arg.value);
    case 'number':
    case 'boolean':
      return arg.unserializableValue ?? String(arg.value);
    case 'undefined':
      return 'undefined';
    case 'bigint':
      return arg.unserializableValue ?? arg.description ?? 'bigint';
    case 'symbol':
    case 'function':
      return arg.description ?? arg.type;
    case 'object': {
      if (arg.subtype === 'null') return 'null';
      if (arg.subtype === 'error') return arg.description ?? 'Error';
      if (arg.preview) return describePreview(arg.preview);
      return arg.description ?? 'Object';
    }
    default:
      return arg.description ?? String(arg.value);
  }
}

function describePreview(preview: Protocol.Runtime.ObjectPreview): string {
  const more = preview.overflow ? ', …' : '';
  if (preview.subtype === 'array') {
    return `[${preview.properties.map((p) => previewValue(p)).join(', ')}${more}]`;
  }
  const body = preview.properties.map((p) => `${p.name}: ${previewValue(p)}`).join(', ');
  const prefix = preview.description && preview.description !== 'Object' ? `${preview.description} ` : '';
  return `${prefix}{${body ? ` ${body}${more} ` : more ? ' … ' : ''}}`;
}

function previewValue(property: Protocol.Runtime.PropertyPreview): string {
  if (property.type === 'string') return `'${property.value ?? ''}'`;
  if (property.type === 'object' && property.subtype !== 'null') return property.value ?? 'Object';
  return property.value ?? property.type;
}
