// The bundle manifest: what the file holds and how it was made, checked with one strict schema
// before any of the payload is read.
import { z } from 'zod';
import { BundleContentError } from './errors';
import { MAX_JSON_DEPTH, jsonDepthWithin } from './json-depth';

const sha256Hex = z.string().regex(/^[0-9a-f]{64}$/);
const count = z.number().int().min(0).max(Number.MAX_SAFE_INTEGER);
const name = z.string().min(1).max(200);

export const REDACTION_KINDS = [
  'environment-variable',
  'auth-header',
  'secret-key',
  'bearer-token',
  'jwt',
  'aws-access-key',
  'private-key',
  'secret-value',
] as const;
export type RedactionKind = (typeof REDACTION_KINDS)[number];

const manifestSchema = z
  .object({
    format: z.literal('parallax-bundle'),
    formatVersion: z.number().int().min(1),
    appVersion: z.string().min(1).max(100),
    createdAt: z.string().max(40),
    /** The store schema the rows follow; import maps older shapes forward. */
    schemaVersion: z.number().int().min(1).max(10_000),
    session: z
      .object({ id: z.string().min(1).max(200), name: z.string().max(1000), startedUs: z.number().finite(), endedUs: z.number().finite().nullable() })
      .strict(),
    redaction: z
      .object({
        applied: z.boolean(),
        counts: z
          .array(z.object({ kind: z.enum(REDACTION_KINDS), where: z.string().min(1).max(200), count: count }).strict())
          .max(1000),
      })
      .strict(),
    content: z
      .object({ compression: z.literal('brotli'), bytes: count, sha256: sha256Hex })
      .strict(),
    tables: z.array(z.object({ name, rows: count }).strict()).max(200),
    files: z.array(z.object({ snapshotId: count, name, bytes: count, sha256: sha256Hex }).strict()).max(10_000),
  })
  .strict();

export type BundleManifest = z.infer<typeof manifestSchema>;

/** Parses manifest bytes; refuses anything but a well-formed manifest. */
export function parseManifest(raw: Buffer): BundleManifest {
  const text = raw.toString('utf8');
  if (!jsonDepthWithin(text, MAX_JSON_DEPTH)) throw new BundleContentError('its manifest is nested too deeply');
  let value: unknown;
  try {
    value = JSON.parse(text);
  } catch {
    throw new BundleContentError('its manifest is not valid JSON');
  }
  const parsed = manifestSchema.safeParse(value);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const where = issue && issue.path.length ? ` at ${issue.path.join('.')}` : '';
    throw new BundleContentError(`its manifest is invalid${where}: ${issue?.message ?? 'unknown problem'}`);
  }
  return parsed.data;
}
