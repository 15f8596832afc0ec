// Export redaction: what it hides (and counts), and the ordinary text it must leave alone.
import { describe, expect, it } from 'vitest';
import { REDACTED, Redactor, isAuthHeaderKey, isSecretKey, looksLikeSecretValue } from '../../../../src/main/engine/bundle/redaction';

const JWT = 'eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9.eyJzdWIiOiIxMjM0NTY3ODkwIiwibmFtZSI6IkpvaG4ifQ.SflKxwRJSMeKKF2QT4fwpMeJf36POk6yJV_adQssw5c';
const PEM = '-----BEGIN RSA PRIVATE KEY-----\nMIIEowIBAAKCAQEA7v1\nabc\n-----END RSA PRIVATE KEY-----';

describe('redaction of text', () => {
  it('hides secret-looking keys, tokens, JWTs, AWS keys and private keys, keeping the words around them', () => {
    const r = new Redactor();
    expect(r.text('logs.text', 'login ok password=hunter2 user=bob')).toBe(`login ok password=${REDACTED} user=bob`);
    expect(r.text('logs.text', 'calling api with Authorization: Bearer abcdef0123456789xyz')).toBe(`calling api with Authorization: Bearer ${REDACTED}`);
    expect(r.text('logs.text', 'header Bearer abcdef0123456789xyz sent')).toBe(`header Bearer ${REDACTED} sent`);
    expect(r.text('logs.text', `token is ${JWT} ok`)).toBe(`token is ${REDACTED} ok`);
    expect(r.text('logs.text', 'aws AKIAIOSFODNN7EXAMPLE used')).toBe(`aws ${REDACTED} used`);
    expect(r.text('logs.text', `key:\n${PEM}\nend`)).toBe(`key:\n${REDACTED}\nend`);
    expect(r.text('logs.text', '{"apiKey":"s3cr3t-value","id":7}')).toBe(`{"apiKey":"${REDACTED}","id":7}`);
    expect(r.text('logs.text', 'GET /cb?code=1&access_token=abc123def&state=x')).toBe(`GET /cb?code=1&access_token=${REDACTED}&state=x`);
    expect(r.text('logs.text', 'session=Zk9xQm3T7yPq2Lw8Rv5Nc1Hd6Gs4Jb0KfXaYeUiOoP done')).toBe(`session=${REDACTED} done`);
    const kinds = r.report().map((e) => e.kind);
    for (const kind of ['secret-key', 'bearer-token', 'jwt', 'aws-access-key', 'private-key', 'secret-value']) expect(kinds).toContain(kind);
    expect(r.report().every((e) => e.where === 'logs.text' && e.count > 0)).toBe(true);
    expect(JSON.stringify(r.report())).not.toMatch(/hunter2|AKIA|s3cr3t/);
  });

  it('leaves ordinary log lines intact', () => {
    const r = new Redactor();
    const lines = [
      'tick 42',
      'GET /orders?id=7 200 12.3ms',
      'author: Jane Doe, tokens_used: 512',
      'max_tokens=256 temperature=0.7',
      'trace_id=4bf92f3577b34da6a3ce929d0e0e4736 span_id=00f067aa0ba902b7',
      'request id 550e8400-e29b-41d4-a716-446655440000 done',
      'commit=9fceb02d0ae598e95dc970b74767f19372d61af8 built',
      'user authenticated in 20 ms',
      'password reset email sent to user 12',
      'token_count: 12',
      'Error: ENOENT: no such file or directory, open /tmp/x.json',
      'The quick brown fox: jumps over the lazy dog',
    ];
    for (const line of lines) expect(r.text('logs.text', line)).toBe(line);
    expect(r.report()).toEqual([]);
  });
});

describe('redaction of command lines', () => {
  it('hides environment assignments and secret flags', () => {
    const r = new Redactor();
    expect(r.commandLine('sessions.target_title', 'DATABASE_URL=postgres://u:p@h/db API_TOKEN=xyz node server.js --port 3000')).toBe(
      `DATABASE_URL=${REDACTED} API_TOKEN=${REDACTED} node server.js --port 3000`,
    );
    expect(r.commandLine('sessions.target_title', 'node app.js --password hunter2 --api-key=abc --verbose')).toBe(
      `node app.js --password ${REDACTED} --api-key=${REDACTED} --verbose`,
    );
    expect(r.report()).toEqual([
      { kind: 'environment-variable', where: 'sessions.target_title', count: 2 },
      { kind: 'secret-key', where: 'sessions.target_title', count: 2 },
    ]);
    expect(new Redactor().commandLine('x', '/usr/bin/node /srv/app/server.js --inspect=0 --max-old-space-size=4096')).toBe(
      '/usr/bin/node /srv/app/server.js --inspect=0 --max-old-space-size=4096',
    );
  });
});

describe('redaction of attributes', () => {
  it('hides auth headers, secret keys and environment, nested or in arrays, and keeps the rest', () => {
    const r = new Redactor();
    const input = {
      'http.request.header.authorization': ['Basic dXNlcjpwYXNz'],
      'http.request.header.cookie': 'sid=abc',
      'http.response.header.set-cookie': 'sid=def; HttpOnly',
      'http.method': 'GET',
      'http.target': '/orders?id=7',
      db: { password: 'pw', user: 'app', nested: [{ client_secret: 'cs' }] },
      'process.command_args': ['node', 'server.js', 'SECRET_KEY=abc'],
      'process.env.HOME': '/home/me',
      note: `sent ${JWT}`,
      'order.id': 7,
    };
    const out = JSON.parse(r.attributes('spans.attributes', JSON.stringify(input))) as Record<string, unknown>;
    expect(out).toEqual({
      'http.request.header.authorization': [REDACTED],
      'http.request.header.cookie': REDACTED,
      'http.response.header.set-cookie': REDACTED,
      'http.method': 'GET',
      'http.target': '/orders?id=7',
      db: { password: REDACTED, user: 'app', nested: [{ client_secret: REDACTED }] },
      'process.command_args': ['node', 'server.js', `SECRET_KEY=${REDACTED}`],
      'process.env.HOME': REDACTED,
      note: `sent ${REDACTED}`,
      'order.id': 7,
    });
    const byKind = Object.fromEntries(r.report().map((e) => [e.kind, e.count]));
    expect(byKind).toEqual({ 'auth-header': 3, 'secret-key': 2, 'environment-variable': 2, jwt: 1 });
  });

  it('returns the same text when nothing is secret', () => {
    const text = '{"http.method":"GET","url.path":"/orders","service.name":"shop","trace":"4bf92f3577b34da6a3ce929d0e0e4736"}';
    expect(new Redactor().attributes('spans.attributes', text)).toBe(text);
  });
});

describe('what counts as secret', () => {
  it('knows secret keys and auth headers by their words', () => {
    for (const key of ['password', 'DB_PASSWORD', 'apiKey', 'x-api-key', 'client.secret', 'authToken', 'access_token', 'private_key', 'AWS_SECRET_ACCESS_KEY', 'credentials'])
      expect(isSecretKey(key), key).toBe(true);
    for (const key of ['author', 'tokens', 'max_tokens', 'keyboard', 'monkey', 'passenger', 'http.method', 'secretary_name'])
      expect(isSecretKey(key), key).toBe(false);
    for (const key of ['Authorization', 'cookie', 'http.request.header.set_cookie', 'proxy-authorization']) expect(isAuthHeaderKey(key), key).toBe(true);
  });

  it('tells random tokens from hex ids and words', () => {
    expect(looksLikeSecretValue('Zk9xQm3T7yPq2Lw8Rv5Nc1Hd6Gs4Jb0KfXaYeUiOoP')).toBe(true);
    expect(looksLikeSecretValue('4bf92f3577b34da6a3ce929d0e0e4736')).toBe(false);
    expect(looksLikeSecretValue('9fceb02d0ae598e95dc970b74767f19372d61af8')).toBe(false);
    expect(looksLikeSecretValue('AVeryLongCamelCaseIdentifierNameWithoutDigits')).toBe(false);
  });
});

describe('redaction of repeated values', () => {
  it('gives the same result and counts for a value seen again as for a value seen first', () => {
    const values = [
      ['text', 'logs.text', 'login ok password=hunter2 user=bob'],
      ['attributes', 'logs.attributes', JSON.stringify({ authorization: 'Basic abc', nested: { apiKey: 'k', ok: 'fine' } })],
      ['command-line', 'sessions.target_title', 'SECRET=1 node --token abc server.js'],
      ['text', 'spans.name', 'GET /orders/:id'],
    ] as const;
    const once = new Redactor();
    const expected = values.map(([rule, where, value]) => once.apply(rule, where, value));
    const repeated = new Redactor();
    for (let round = 0; round < 3; round++) {
      expect(values.map(([rule, where, value]) => repeated.apply(rule, where, value))).toEqual(expected);
    }
    expect(repeated.report()).toEqual(once.report().map((entry) => ({ ...entry, count: entry.count * 3 })));
  });
});
