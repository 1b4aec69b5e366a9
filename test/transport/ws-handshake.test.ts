import { describe, expect, it } from 'vitest';
import { expectedAccept, headEnd, parseUpgradeRequest, parseUpgradeResponse } from '../../src/transport/ws-handshake.js';

describe('WebSocket opening handshake', () => {
  it('Sec-WebSocket-Accept of the RFC 6455 section 1.3 example', () => {
    expect(expectedAccept('dGhlIHNhbXBsZSBub25jZQ==')).toBe('s3pPLMBiTxaQ9kYGzzhZRbK+xOo=');
  });

  it('finds the blank line (CRLF, bare LF) or nothing', () => {
    const b = Buffer.from('GET / HTTP/1.1\r\nHost: a\r\n\r\nXYZ');
    expect(headEnd(b, b.length)).toBe(b.length - 3);
    const lf = Buffer.from('GET / HTTP/1.1\nHost: a\n\nXYZ');
    expect(headEnd(lf, lf.length)).toBe(lf.length - 3);
    expect(headEnd(b, 20)).toBe(-1);
  });

  it('parses an RFC 7977 upgrade request (header names any case, values trimmed)', () => {
    const r = parseUpgradeRequest(
      Buffer.from(
        'GET /msrp HTTP/1.1\r\nHOST: 127.0.0.1:8088\r\nupgrade: WebSocket\r\nConnection: keep-alive, Upgrade\r\n' +
          'Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nsec-websocket-protocol:  MSRP , sip\r\nOrigin: http://x\r\nSec-WebSocket-Version: 13\r\n\r\n',
      ),
    );
    expect(r).toEqual({
      method: 'GET',
      target: '/msrp',
      upgrade: true,
      host: '127.0.0.1:8088',
      origin: 'http://x',
      protocols: ['msrp', 'sip'],
      key: 'dGhlIHNhbXBsZSBub25jZQ==',
    });
  });

  it('a plain GET is not an upgrade; control characters in values are escaped', () => {
    const r = parseUpgradeRequest(Buffer.from('GET /a\x1b[2J HTTP/1.1\r\nHost: h\x07\r\n\r\n', 'latin1'));
    expect(r.upgrade).toBe(false);
    expect(r.target).toBe('/a\\x1b[2J');
    expect(r.host).toBe('h\\x07');
  });

  it('header names never reach object keys', () => {
    const r = parseUpgradeRequest(Buffer.from('GET / HTTP/1.1\r\n__proto__: x\r\nconstructor: y\r\nUpgrade: websocket\r\n\r\n'));
    expect(r.upgrade).toBe(true);
    expect(Object.getPrototypeOf(r)).toBe(Object.prototype);
  });

  it('parses 101 and other responses', () => {
    expect(
      parseUpgradeResponse(
        Buffer.from('HTTP/1.1 101 Switching Protocols\r\nUpgrade: websocket\r\nSec-WebSocket-Protocol: msrp\r\nSec-WebSocket-Accept: abc=\r\n\r\n'),
      ),
    ).toEqual({ status: 101, protocol: 'msrp', extensions: null, accept: 'abc=' });
    expect(parseUpgradeResponse(Buffer.from('HTTP/1.1 403 Forbidden\r\n\r\n')).status).toBe(403);
    expect(parseUpgradeResponse(Buffer.from('MSRP x 200 OK\r\n\r\n')).status).toBe(null);
    expect(parseUpgradeResponse(Buffer.from('HTTP/1.1 101\r\nSec-WebSocket-Extensions: permessage-deflate\r\n\r\n')).extensions).toBe('permessage-deflate');
  });
});
