// The .parallax container: a fixed header (signature, format version), the Brotli-compressed
// payload, the manifest (JSON), and a fixed footer (sizes, end signature, SHA-256 of everything
// before it). The version sits right after the signature so any later layout can still be
// recognised and refused by name.
import { BundleContentError } from './errors';

/** PNG-style signature: a high byte, the name, CR LF, EOF: damage by text-mode transfers shows. */
export const BUNDLE_MAGIC = Buffer.from([0x89, 0x50, 0x4c, 0x58, 0x42, 0x0d, 0x0a, 0x1a]);
const END_MAGIC = Buffer.from('PLXE', 'latin1');

/** The format this version writes and the newest it reads. */
export const BUNDLE_FORMAT_VERSION = 1;

export const HEADER_BYTES = 16;
export const FOOTER_BYTES = 48;
export const CHECKSUM_BYTES = 32;
/** The manifest is small (counts and names); a larger one is hostile. */
export const MAX_MANIFEST_BYTES = 1024 * 1024;

export function encodeHeader(): Buffer {
  const header = Buffer.alloc(HEADER_BYTES);
  BUNDLE_MAGIC.copy(header, 0);
  header.writeUInt32LE(BUNDLE_FORMAT_VERSION, 8);
  return header;
}

/** The footer minus its last 32 bytes (the checksum, appended by the writer). */
export function encodeFooterPrefix(payloadBytes: number, manifestBytes: number): Buffer {
  const prefix = Buffer.alloc(FOOTER_BYTES - CHECKSUM_BYTES);
  prefix.writeBigUInt64LE(BigInt(payloadBytes), 0);
  prefix.writeUInt32LE(manifestBytes, 8);
  END_MAGIC.copy(prefix, 12);
  return prefix;
}

export function startsWithBundleMagic(head: Buffer): boolean {
  return head.length >= BUNDLE_MAGIC.length && head.subarray(0, BUNDLE_MAGIC.length).equals(BUNDLE_MAGIC);
}

/** Reads the format version from the first 16 bytes; refuses foreign files and newer formats. */
export function readHeader(header: Buffer): number {
  if (header.length < BUNDLE_MAGIC.length && header.equals(BUNDLE_MAGIC.subarray(0, header.length))) {
    throw new BundleContentError('it is truncated (shorter than the bundle header)');
  }
  if (!startsWithBundleMagic(header)) throw new BundleContentError('it is not a Parallax bundle (the file does not start with the bundle signature)');
  if (header.length < HEADER_BYTES) throw new BundleContentError('it is truncated (shorter than the bundle header)');
  const version = header.readUInt32LE(8);
  if (version > BUNDLE_FORMAT_VERSION) {
    throw new BundleContentError(
      `it was made by a newer Parallax (bundle format ${version}; this version reads up to ${BUNDLE_FORMAT_VERSION}). Update Parallax to open it.`,
    );
  }
  if (version === 0 || header.readUInt32LE(12) !== 0) throw new BundleContentError('its header is damaged');
  return version;
}

export interface Layout {
  payloadStart: number;
  payloadBytes: number;
  manifestStart: number;
  manifestBytes: number;
  checksum: Buffer;
}

/** Where the parts are, from the footer; any disagreement with the file size means damage. */
export function readFooter(footer: Buffer, fileBytes: number): Layout {
  const damaged = (): never => {
    throw new BundleContentError('it is truncated or damaged (the bundle footer is missing or does not match the file size)');
  };
  if (footer.length !== FOOTER_BYTES || !footer.subarray(12, 16).equals(END_MAGIC)) damaged();
  const payloadBig = footer.readBigUInt64LE(0);
  const manifestBytes = footer.readUInt32LE(8);
  if (payloadBig > BigInt(Number.MAX_SAFE_INTEGER)) damaged();
  const payloadBytes = Number(payloadBig);
  if (HEADER_BYTES + payloadBytes + manifestBytes + FOOTER_BYTES !== fileBytes) damaged();
  if (manifestBytes === 0 || manifestBytes > MAX_MANIFEST_BYTES) damaged();
  return {
    payloadStart: HEADER_BYTES,
    payloadBytes,
    manifestStart: HEADER_BYTES + payloadBytes,
    manifestBytes,
    checksum: Buffer.from(footer.subarray(FOOTER_BYTES - CHECKSUM_BYTES)),
  };
}
