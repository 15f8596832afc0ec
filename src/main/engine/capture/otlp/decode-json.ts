// OTLP/JSON bodies: strict UTF-8, then JSON.parse; the top level must be an object. What the
// object holds is narrowed later, field by field (unknown fields are ignored, as OTLP/JSON requires).
import { OtlpRefusal } from './refusal';
import { type Tree, asTree } from './otlp-values';

const utf8 = new TextDecoder('utf-8', { fatal: true });

/** Throws OtlpRefusal (400) when the body is not a JSON object. */
export function decodeJson(body: Uint8Array): Tree {
  let text: string;
  try {
    text = utf8.decode(body);
  } catch {
    throw new OtlpRefusal(400, 'malformed JSON', 'the body is not UTF-8');
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch (error) {
    throw new OtlpRefusal(400, 'malformed JSON', error instanceof Error ? error.message : String(error));
  }
  const tree = asTree(parsed);
  if (!tree) throw new OtlpRefusal(400, 'malformed JSON', 'the top level is not an object');
  return tree;
}
