// The HTTP semantic-convention mapping: old names gain their current names, nothing is overwritten.
import { describe, expect, it } from 'vitest';
import { addCurrentHttpNames } from '../../src/main/engine/capture/otlp/http-semconv';

const SERVER = 2;
const CLIENT = 3;

describe('addCurrentHttpNames', () => {
  it('adds the current names next to the old ones on a server span', () => {
    const attributes: Record<string, unknown> = {
      'http.method': 'POST',
      'http.status_code': 201,
      'http.target': '/orders/7?expand=items&x=1',
      'http.scheme': 'https',
      'net.host.name': 'shop.local',
      'net.host.port': 8443,
      'http.user_agent': 'curl/8',
      'http.flavor': '1.1',
    };
    addCurrentHttpNames(attributes, SERVER);
    expect(attributes).toEqual({
      'http.method': 'POST',
      'http.status_code': 201,
      'http.target': '/orders/7?expand=items&x=1',
      'http.scheme': 'https',
      'net.host.name': 'shop.local',
      'net.host.port': 8443,
      'http.user_agent': 'curl/8',
      'http.flavor': '1.1',
      'http.request.method': 'POST',
      'http.response.status_code': 201,
      'url.path': '/orders/7',
      'url.query': 'expand=items&x=1',
      'url.scheme': 'https',
      'server.address': 'shop.local',
      'server.port': 8443,
      'user_agent.original': 'curl/8',
      'network.protocol.version': '1.1',
      'network.protocol.name': 'http',
    });
  });

  it('takes the server address of a client span from net.peer.* and its URL from http.url', () => {
    const attributes: Record<string, unknown> = { 'http.url': 'http://api.local:81/x', 'net.peer.name': 'api.local', 'net.peer.port': 81, 'net.host.name': 'me' };
    addCurrentHttpNames(attributes, CLIENT);
    expect(attributes['url.full']).toBe('http://api.local:81/x');
    expect(attributes['server.address']).toBe('api.local');
    expect(attributes['server.port']).toBe(81);
  });

  it('never overwrites a current name that was sent, even when the old one disagrees', () => {
    const attributes: Record<string, unknown> = {
      'http.method': 'GET',
      'http.request.method': 'PUT',
      'http.status_code': 500,
      'http.response.status_code': 200,
      'http.target': '/old',
      'url.path': '/new',
    };
    addCurrentHttpNames(attributes, SERVER);
    expect(attributes['http.request.method']).toBe('PUT');
    expect(attributes['http.response.status_code']).toBe(200);
    expect(attributes['url.path']).toBe('/new');
    expect(attributes).not.toHaveProperty('url.query');
  });

  it('leaves spans without HTTP attributes alone', () => {
    const attributes: Record<string, unknown> = { 'db.system': 'sqlite', 'http.target': 42 };
    addCurrentHttpNames(attributes, SERVER);
    expect(attributes).toEqual({ 'db.system': 'sqlite', 'http.target': 42 });
  });
});
