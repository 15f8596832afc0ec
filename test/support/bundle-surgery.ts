// Takes a .parallax bundle apart and puts it back together with fresh checksums, so tests can
// hand import content that is wrong in one precise way yet passes every checksum.
import { createHash } from 'node:crypto';
import { brotliCompressSync, brotliDecompressSync, constants } from 'node:zlib';
import { CHECKSUM_BYTES, FOOTER_BYTES, HEADER_BYTES, encodeFooterPrefix, readFooter } from '../../src/main/engine/bundle/container';
import type { BundleManifest } from '../../src/main/engine/bundle/manifest';

export interface OpenedBundle {
  header: Buffer;
  payload: Buffer;
  manifest: BundleManifest;
}

export function openBundle(bytes: Buffer): OpenedBundle {
  const layout = readFooter(bytes.subarray(bytes.length - FOOTER_BYTES), bytes.length);
  return {
    header: Buffer.from(bytes.subarray(0, HEADER_BYTES)),
    payload: brotliDecompressSync(bytes.subarray(layout.payloadStart, layout.payloadStart + layout.payloadBytes)),
    manifest: JSON.parse(bytes.subarray(layout.manifestStart, layout.manifestStart + layout.manifestBytes).toString('utf8')) as BundleManifest,
  };
}

export interface Frame {
  type: number;
  body: Buffer;
}

export function framesOf(payload: Buffer): Frame[] {
  const frames: Frame[] = [];
  for (let at = 0; at < payload.length; ) {
    const length = payload.readUInt32LE(at + 1);
    frames.push({ type: payload[at]!, body: payload.subarray(at + 5, at + 5 + length) });
    at += 5 + length;
  }
  return frames;
}

export function joinFrames(frames: Frame[]): Buffer {
  return Buffer.concat(
    frames.flatMap((f) => {
      const head = Buffer.alloc(5);
      head[0] = f.type;
      head.writeUInt32LE(f.body.length, 1);
      return [head, f.body];
    }),
  );
}

export interface Rebuild {
  header?: Buffer;
  /** Decompressed payload; its size and checksum go into the manifest unless `keepContentChecksum`. */
  payload: Buffer;
  manifest: BundleManifest;
  keepContentChecksum?: boolean;
  /** Already compressed bytes to use instead of compressing `payload`. */
  compressed?: Buffer;
  /** A manifest given as raw text (for malformed manifests). */
  manifestText?: string;
}

export function rebuildBundle(parts: Rebuild): Buffer {
  const manifest = parts.keepContentChecksum
    ? parts.manifest
    : {
        ...parts.manifest,
        content: { ...parts.manifest.content, bytes: parts.payload.length, sha256: createHash('sha256').update(parts.payload).digest('hex') },
      };
  const compressed = parts.compressed ?? brotliCompressSync(parts.payload, { params: { [constants.BROTLI_PARAM_QUALITY]: 1 } });
  const manifestBytes = Buffer.from(parts.manifestText ?? JSON.stringify(manifest), 'utf8');
  const body = Buffer.concat([parts.header ?? headerOf(1), compressed, manifestBytes, encodeFooterPrefix(compressed.length, manifestBytes.length)]);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}

export function headerOf(version: number): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  Buffer.from([0x89, 0x50, 0x4c, 0x58, 0x42, 0x0d, 0x0a, 0x1a]).copy(header);
  header.writeUInt32LE(version, 8);
  return header;
}

/** Recomputes only the outer (whole-file) checksum after bytes were changed in place. */
export function resealOuter(bytes: Buffer): Buffer {
  const body = bytes.subarray(0, bytes.length - CHECKSUM_BYTES);
  return Buffer.concat([body, createHash('sha256').update(body).digest()]);
}
