// Export-time redaction: environment variables in command lines, auth headers, and values that
// look like secrets (by their key or their shape) in text and in JSON attribute maps. Values become
// REDACTED; the counts say what kind was found where, never the values.
import type { RedactionKind } from './manifest';

export const REDACTED = '[redacted]';

/** What a column holds, which decides the rules applied to it. */
export type RedactionRule = 'text' | 'command-line' | 'attributes';

const SECRET_WORDS = new Set(['password', 'passwd', 'pwd', 'passphrase', 'secret', 'token', 'apikey', 'auth', 'authorization', 'credential', 'credentials', 'privatekey', 'accesskey', 'cookie', 'sessionid', 'jwt', 'bearer']);
const SECRET_PAIRS = new Set(['api key', 'private key', 'access key', 'secret key', 'session id', 'client secret', 'refresh token']);
const AUTH_HEADERS = new Set(['authorization', 'proxy-authorization', 'cookie', 'set-cookie']);

function words(key: string): string[] {
  return key
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter(Boolean);
}

/** A key naming a secret: password, api_key, authToken, x-api-key, client.secret, ... (not "author", "tokens"). */
export function isSecretKey(key: string): boolean {
  let verdict = secretKeys.get(key);
  if (verdict === undefined) {
    verdict = secretKeyWords(key);
    if (secretKeys.size >= MEMO_ENTRIES) secretKeys.clear();
    secretKeys.set(key, verdict);
  }
  return verdict;
}

/** Verdicts per key: attribute and key=value keys repeat across rows, the word split is costly. */
const MEMO_ENTRIES = 4096;
const secretKeys = new Map<string, boolean>();
const authHeaderKeys = new Map<string, boolean>();

function secretKeyWords(key: string): boolean {
  const parts = words(key);
  for (let i = 0; i < parts.length; i++) {
    if (SECRET_WORDS.has(parts[i]!)) return true;
    if (i > 0 && SECRET_PAIRS.has(`${parts[i - 1]} ${parts[i]}`)) return true;
  }
  return false;
}

/** An HTTP header that carries credentials, alone or as the last part of an attribute name. */
export function isAuthHeaderKey(key: string): boolean {
  let verdict = authHeaderKeys.get(key);
  if (verdict === undefined) {
    verdict = authHeaderName(key);
    if (authHeaderKeys.size >= MEMO_ENTRIES) authHeaderKeys.clear();
    authHeaderKeys.set(key, verdict);
  }
  return verdict;
}

function authHeaderName(key: string): boolean {
  const lower = key.toLowerCase();
  const last = lower.split(/[.]/).pop() ?? lower;
  return AUTH_HEADERS.has(last) || AUTH_HEADERS.has(last.replace(/_/g, '-'));
}

function entropyBitsPerChar(text: string): number {
  const counts = new Map<string, number>();
  for (const c of text) counts.set(c, (counts.get(c) ?? 0) + 1);
  let bits = 0;
  for (const n of counts.values()) {
    const p = n / text.length;
    bits -= p * Math.log2(p);
  }
  return bits;
}

/** A long random-looking token (base64/base64url alphabet, mixed classes); hex ids and UUIDs stay. */
export function looksLikeSecretValue(value: string): boolean {
  if (value.length < 32 || value.length > 4096 || !/^[A-Za-z0-9+=_-]+$/.test(value)) return false;
  if (!/[a-z]/.test(value) || !/[A-Z]/.test(value) || !/[0-9]/.test(value)) return false;
  return entropyBitsPerChar(value) > 4.2;
}

const PEM = /-----BEGIN ([A-Z0-9 ]*)PRIVATE KEY-----[\s\S]*?(?:-----END \1PRIVATE KEY-----|$)/g;
const JWT = /\beyJ[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}\.[A-Za-z0-9_-]{8,}/g;
const SCHEME_TOKEN = /\b(Bearer|Basic|Token|Digest)(\s+)(?!\[redacted\])[A-Za-z0-9._~+/=-]{8,}/gi;
const AWS_KEY = /\b(?:AKIA|ASIA)[0-9A-Z]{16}\b/g;
const KEY_VALUE = /([A-Za-z_][\w.-]{0,63})(["']?[ \t]*[=:][ \t]*)(\[redacted\]|"[^"\n]*"|'[^'\n]*'|[^\s,;&"'})\]]+)/g;
/** Text none of the rules above can match: no key=value or key: value, no PEM, JWT, scheme word or AWS key prefix. */
const MAY_HOLD_SECRET = /[=:]|-----BEGIN|eyJ|AKIA|ASIA|bearer|basic|token|digest/i;
const ENV_ASSIGNMENT = /^([A-Za-z_][A-Za-z0-9_]*)=(.*)$/s;
const FLAG = /^(--?[A-Za-z][\w.-]*)(?:=(.*))?$/s;

/** Values up to this length are remembered with their result; at most this many of them. */
const MEMO_VALUE_CHARS = 512;
const MEMO_VALUES = 65_536;

export class Redactor {
  private readonly counts = new Map<string, { kind: RedactionKind; where: string; count: number }>();

  /** While a value is redacted for the memo, the counts it adds. */
  private recording: [RedactionKind, number][] | null = null;

  private note(kind: RedactionKind, where: string, n = 1): void {
    this.recording?.push([kind, n]);
    const key = `${kind}\u0000${where}`;
    const entry = this.counts.get(key) ?? { kind, where, count: 0 };
    entry.count += n;
    this.counts.set(key, entry);
  }

  /** What was redacted, by kind and place (for the manifest). */
  report(): { kind: RedactionKind; where: string; count: number }[] {
    return [...this.counts.values()].sort((a, b) => a.where.localeCompare(b.where) || a.kind.localeCompare(b.kind));
  }

  /**
   * Redacts one value by its column's rule. Values repeat a lot (the same attribute map on every
   * log line), so results of short values are remembered with the counts they added, and a
   * repeat adds the same counts again without scanning.
   */
  apply(rule: RedactionRule, where: string, value: string): string {
    if (value.length > MEMO_VALUE_CHARS) return this.applyRule(rule, where, value);
    const key = `${rule}\u0000${where}\u0000${value}`;
    const known = this.memo.get(key);
    if (known) {
      for (const [kind, n] of known.notes) this.note(kind, where, n);
      return known.out;
    }
    const notes: [RedactionKind, number][] = [];
    this.recording = notes;
    let out: string;
    try {
      out = this.applyRule(rule, where, value);
    } finally {
      this.recording = null;
    }
    if (this.memo.size >= MEMO_VALUES) this.memo.clear();
    this.memo.set(key, { out, notes });
    return out;
  }

  private readonly memo = new Map<string, { out: string; notes: [RedactionKind, number][] }>();

  private applyRule(rule: RedactionRule, where: string, value: string): string {
    if (rule === 'text') return this.text(where, value);
    if (rule === 'command-line') return this.commandLine(where, value);
    return this.attributes(where, value);
  }

  /** Secrets by shape (PEM, JWT, scheme tokens, AWS keys) and by key in key=value text. */
  text(where: string, value: string): string {
    if (value.length === 0 || !MAY_HOLD_SECRET.test(value)) return value;
    let out = value;
    out = out.replace(PEM, () => (this.note('private-key', where), REDACTED));
    out = out.replace(JWT, () => (this.note('jwt', where), REDACTED));
    out = out.replace(SCHEME_TOKEN, (_m, scheme: string, space: string) => (this.note('bearer-token', where), `${scheme}${space}${REDACTED}`));
    out = out.replace(AWS_KEY, () => (this.note('aws-access-key', where), REDACTED));
    out = out.replace(KEY_VALUE, (match, key: string, separator: string, raw: string) => {
      const quote = raw.startsWith('"') || raw.startsWith("'") ? raw[0]! : '';
      const inner = quote ? raw.slice(1, -1) : raw;
      // Already handled, or a scheme word whose token the scheme rule above redacted.
      if (inner === REDACTED || inner.length === 0 || /^(?:Bearer|Basic|Token|Digest)$/i.test(inner)) return match;
      if (isAuthHeaderKey(key)) this.note('auth-header', where);
      else if (isSecretKey(key) && !/^(?:\d{1,6}|true|false|null|undefined)$/i.test(inner)) this.note('secret-key', where);
      else if (looksLikeSecretValue(inner)) this.note('secret-value', where);
      else return match;
      return `${key}${separator}${quote}${REDACTED}${quote}`;
    });
    return out;
  }

  /** A command line: NAME=value environment assignments, --secret=value / --secret value flags, then text rules. */
  commandLine(where: string, value: string): string {
    const tokens = value.split(/(\s+)/);
    let redactNext = false;
    for (let i = 0; i < tokens.length; i++) {
      const token = tokens[i]!;
      if (/^\s*$/.test(token)) continue;
      if (redactNext) {
        tokens[i] = REDACTED;
        redactNext = false;
        continue;
      }
      const env = ENV_ASSIGNMENT.exec(token);
      if (env && !token.startsWith('-')) {
        tokens[i] = `${env[1]}=${REDACTED}`;
        this.note('environment-variable', where);
        continue;
      }
      const flag = FLAG.exec(token);
      if (flag && isSecretKey(flag[1]!)) {
        this.note('secret-key', where);
        if (flag[2] !== undefined) tokens[i] = `${flag[1]}=${REDACTED}`;
        else redactNext = true;
      }
    }
    return this.text(where, tokens.join(''));
  }

  /** A JSON object of attributes: auth headers and secret keys by name, other strings by text rules. */
  attributes(where: string, json: string): string {
    let root: unknown;
    try {
      root = JSON.parse(json);
    } catch {
      return this.text(where, json);
    }
    let changed = false;
    // Iterative walk: attribute maps come from the recorded program and may nest arbitrarily.
    const pending: { holder: Record<string, unknown> | unknown[]; key: string | number; parentKey: string }[] = [];
    const push = (holder: Record<string, unknown> | unknown[], parentKey: string): void => {
      if (Array.isArray(holder)) holder.forEach((_v, i) => pending.push({ holder, key: i, parentKey }));
      else for (const key of Object.keys(holder)) pending.push({ holder, key, parentKey: key });
    };
    if (typeof root === 'object' && root !== null) push(root as Record<string, unknown>, '');
    while (pending.length > 0) {
      const { holder, key, parentKey } = pending.pop()!;
      const value = (holder as Record<string | number, unknown>)[key];
      const set = (next: unknown): void => {
        (holder as Record<string | number, unknown>)[key] = next;
        changed = true;
      };
      const name = parentKey;
      if (typeof value === 'object' && value !== null) {
        push(value as Record<string, unknown>, name);
        continue;
      }
      if (typeof value !== 'string' || value === REDACTED || value.length === 0) continue;
      if (isAuthHeaderKey(name)) {
        this.note('auth-header', where);
        set(REDACTED);
      } else if (/^process\.(?:env|environ)/i.test(name)) {
        this.note('environment-variable', where);
        set(REDACTED);
      } else if (isSecretKey(name)) {
        this.note('secret-key', where);
        set(REDACTED);
      } else if (/^process\.command/i.test(name)) {
        const next = this.commandLine(where, value);
        if (next !== value) set(next);
      } else if (looksLikeSecretValue(value)) {
        this.note('secret-value', where);
        set(REDACTED);
      } else {
        const next = this.text(where, value);
        if (next !== value) set(next);
      }
    }
    return changed ? JSON.stringify(root) : json;
  }
}
