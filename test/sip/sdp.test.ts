import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import { parseFileHash, parseFileSelector, parseFileRange } from '../../src/sip/file-selector.js';
import { msrpSessionId, parseMsrpUri } from '../../src/sip/msrp-uri.js';
import { attributeValue, hasAttribute, msrpMedia, parseSdp } from '../../src/sip/sdp.js';
import { SIP_CODES } from '../../src/sip/codes.js';

const FILE_OFFER = [
  'v=0',
  'o=alice 9827806 9827806 IN IP4 127.0.0.1',
  's=-',
  'c=IN IP4 127.0.0.1',
  't=0 0',
  'm=message 2862 TCP/MSRP *',
  'a=accept-types:application/pdf message/cpim',
  'a=sendonly',
  'a=file-selector:name:"report.pdf" type:application/pdf size:15001 hash:sha-1:7D:CB:11:9D:0B:3B:5D:9D:94:AF:89:5B:A1:98:A0:C9:00:DD:5A:D7',
  'a=file-transfer-id:97U4YTeDIeNHsCkx',
  'a=file-disposition:attachment',
  'a=file-date:creation:"Wed, 25 Nov 2026 09:00:00 +0000"',
  'a=path:msrp://127.0.0.1:2862/IND6LlF35Ysn;tcp',
  'a=setup:active',
  '',
].join('\r\n');

describe('parseSdp', () => {
  it('parses session fields, c=, m= and attributes in order', () => {
    const sdp = parseSdp(FILE_OFFER);
    expect(sdp.issues).toEqual([]);
    expect(sdp.version).toBe('0');
    expect(sdp.origin).toEqual({ username: 'alice', sessionId: '9827806', sessionVersion: '9827806', netType: 'IN', addrType: 'IP4', address: '127.0.0.1' });
    expect(sdp.sessionName).toBe('-');
    expect(sdp.connection).toEqual({ netType: 'IN', addrType: 'IP4', address: '127.0.0.1' });
    expect(sdp.media).toHaveLength(1);
    const m = sdp.media[0];
    expect(m).toMatchObject({ media: 'message', port: 2862, portCount: undefined, proto: 'TCP/MSRP', formats: ['*'], connection: undefined, line: 6 });
    expect(m?.attributes.map((a) => a[0])).toEqual([
      'accept-types', 'sendonly', 'file-selector', 'file-transfer-id', 'file-disposition', 'file-date', 'path', 'setup',
    ]);
    expect(m?.attributes[1]).toEqual(['sendonly', undefined]);
    expect(m && attributeValue(m.attributes, 'SETUP')).toBe('active');
    expect(m && hasAttribute(m.attributes, 'sendonly')).toBe(true);
  });

  it('gives the typed MSRP view of a file-transfer offer (RFC 5547)', () => {
    const [ms] = msrpMedia(parseSdp(FILE_OFFER));
    expect(ms).toBeDefined();
    if (!ms) return;
    expect(ms.transport).toBe('tcp');
    expect(ms.port).toBe(2862);
    expect(ms.address).toBe('127.0.0.1');
    expect(ms.addrType).toBe('IP4');
    expect(ms.path).toEqual(['msrp://127.0.0.1:2862/IND6LlF35Ysn;tcp']);
    expect(ms.sessionId).toBe('IND6LlF35Ysn');
    expect(ms.acceptTypes).toEqual(['application/pdf', 'message/cpim']);
    expect(ms.setup).toBe('active');
    expect(ms.direction).toBe('sendonly');
    expect(ms.fileSelector).toMatchObject({
      name: 'report.pdf',
      type: 'application/pdf',
      size: 15001,
      hash: { algorithm: 'sha-1', hex: '7dcb119d0b3b5d9d94af895ba198a0c900dd5ad7' },
      problems: [],
    });
    expect(ms.fileTransferId).toBe('97U4YTeDIeNHsCkx');
    expect(ms.fileDisposition).toBe('attachment');
    expect(ms.fileDate?.dates).toEqual([['creation', 'Wed, 25 Nov 2026 09:00:00 +0000']]);
    expect(ms.cema).toBe(false);
    expect(ms.connection).toBeUndefined();
  });

  it('handles IPv6 c= lines, media-level c= and LF-only text', () => {
    const sdp = parseSdp('v=0\nc=IN IP6 ::1\nm=message 2872 TCP/MSRP *\na=path:msrp://[::1]:2872/54R5uLEZYdme;tcp\nm=message 9 TCP/MSRP *\nc=IN IP6 2001:db8::7\na=path:msrp://[2001:DB8::7]:9/s2;tcp\n');
    expect(sdp.connection).toEqual({ netType: 'IN', addrType: 'IP6', address: '::1' });
    const [a, b] = msrpMedia(sdp);
    expect(a).toMatchObject({ address: '::1', addrType: 'IP6', port: 2872, sessionId: '54R5uLEZYdme' });
    expect(a?.pathUris[0]).toEqual({ scheme: 'msrp', host: '::1', port: 2872, sessionId: '54R5uLEZYdme', transport: 'tcp' });
    expect(b).toMatchObject({ address: '2001:db8::7', addrType: 'IP6', port: 9, sessionId: 's2' });
    expect(b?.pathUris[0]?.host).toBe('2001:db8::7');
    expect(parseSdp('c=IN IP4 224.2.1.1/127/3').connection?.address).toBe('224.2.1.1');
  });

  it('recognises every MSRP proto case-insensitively, and nothing else', () => {
    const protos: Array<[string, string | undefined]> = [
      ['TCP/MSRP', 'tcp'], ['tcp/msrp', 'tcp'], ['TCP/TLS/MSRP', 'tls'], ['tcp/tls/msrp', 'tls'],
      ['TCP/WS/MSRP', 'ws'], ['TCP/WSS/MSRP', 'wss'], ['Tcp/Wss/Msrp', 'wss'], ['RTP/AVP', undefined], ['TCP/MSRPX', undefined],
    ];
    for (const [proto, transport] of protos) {
      const sdp = parseSdp(`v=0\r\nc=IN IP4 10.0.0.1\r\nm=message 7 ${proto} *\r\na=path:msrp://10.0.0.1:7/x;tcp\r\n`);
      expect(sdp.media[0]?.msrp?.transport).toBe(transport);
    }
    expect(parseSdp('m=audio 7 TCP/MSRP *\r\n').media[0]?.msrp).toBeUndefined();
  });

  it('reads setup, connection, msrp-cema, max-size, accept-wrapped-types, fingerprint and several paths', () => {
    const sdp = parseSdp([
      'v=0',
      'c=IN IP4 127.0.0.1',
      'a=fingerprint:SHA-256 04:3F:CE:20:D8:CA',
      'a=recvonly',
      'm=message 2862 TCP/TLS/MSRP *',
      'a=accept-types:message/cpim',
      'a=accept-wrapped-types:text/plain  image/*',
      'a=max-size:65536',
      'a=setup:ActPass',
      'a=connection:existing',
      'a=msrp-cema',
      'a=path:msrps://relay.example.com:2855/kjfjan;tcp   msrps://127.0.0.1:2862/gVt8qDFMyhfA;tcp',
      'a=file-range:1-*',
      '',
    ].join('\r\n'));
    const ms = sdp.media[0]?.msrp;
    expect(sdp.issues).toEqual([]);
    expect(ms).toMatchObject({
      transport: 'tls', acceptWrappedTypes: ['text/plain', 'image/*'], maxSize: 65536, setup: 'actpass', connection: 'existing', cema: true,
      direction: 'recvonly', fingerprint: { algorithm: 'sha-256', value: '04:3F:CE:20:D8:CA' },
      path: ['msrps://relay.example.com:2855/kjfjan;tcp', 'msrps://127.0.0.1:2862/gVt8qDFMyhfA;tcp'], sessionId: 'gVt8qDFMyhfA',
      fileRange: { start: 1, stop: undefined },
    });
    expect(ms?.pathUris[0]).toMatchObject({ scheme: 'msrps', host: 'relay.example.com', port: 2855, sessionId: 'kjfjan' });
  });

  it('reports invalid lines and bad values without throwing, keeping unknown attributes raw', () => {
    const sdp = parseSdp([
      'v=0',
      'this is not sdp',
      'c=IN',
      'm=message notaport TCP/MSRP *',
      'a=path:msrp://ignored:1/x;tcp',
      'm=message 2862 TCP/MSRP *',
      'a=setup:sideways',
      'a=max-size:big',
      'a=x-unknown:some value: with colon',
      'a=path:http://not-msrp/ msrp://h:1/;tcp',
      'a=file-selector:name:"unterminated size:12',
      '=oops',
      '',
    ].join('\r\n'));
    expect(sdp.issues.map((i) => [i.code, i.line])).toEqual([
      ['sdp-invalid-line', 2],
      ['sdp-bad-connection', 3],
      ['sdp-bad-media', 4],
      ['sdp-invalid-line', 12],
      ['sdp-bad-path', 6],
      ['sdp-bad-path', 6],
      ['sdp-bad-attribute', 6],
      ['sdp-bad-attribute', 6],
      ['sdp-bad-file-selector', 6],
    ]);
    const declared = new Set(SIP_CODES.map((c) => c.code));
    for (const i of sdp.issues) expect(declared.has(i.code)).toBe(true);
    expect(sdp.media).toHaveLength(1);
    const m = sdp.media[0];
    expect(m?.attributes).toContainEqual(['x-unknown', 'some value: with colon']);
    expect(m?.msrp).toMatchObject({ setup: undefined, maxSize: undefined, sessionId: undefined });
    expect(parseSdp('v=0\r\nm=message 1 TCP/MSRP *\r\n').issues.map((i) => i.code)).toEqual(['sdp-msrp-no-path']);
  });

  it('treats __proto__ as an ordinary attribute name', () => {
    const sdp = parseSdp('v=0\r\na=__proto__:polluted\r\nm=message 1 TCP/MSRP *\r\na=__proto__\r\na=constructor:x\r\na=path:msrp://h:1/s;tcp\r\n');
    expect(sdp.attributes).toEqual([['__proto__', 'polluted']]);
    expect(sdp.media[0]?.attributes).toEqual([['__proto__', undefined], ['constructor', 'x'], ['path', 'msrp://h:1/s;tcp']]);
    expect(sdp.media[0]?.msrp?.sessionId).toBe('s');
    expect(Object.prototype).not.toHaveProperty('polluted');
    expect(({} as Record<string, unknown>)['polluted']).toBeUndefined();
  });

  it('never throws on arbitrary text', () => {
    fc.assert(
      fc.property(fc.array(fc.oneof(fc.string({ maxLength: 60 }), fc.constantFrom('m=message 1 TCP/MSRP *', 'a=path:', 'a=file-selector:name:"', 'c=IN IP6', 'a=setup:')), { maxLength: 20 }), (lines) => {
        const sdp = parseSdp(lines.join('\r\n'));
        expect(sdp.issues.length).toBeLessThanOrEqual(100);
      }),
      { numRuns: 500 },
    );
  });
});

describe('RFC 5547 file-selector', () => {
  it('parses names with spaces, escaped quotes and percent-encoding, in any selector order', () => {
    expect(parseFileSelector('size:12 name:"my holiday \\"best\\" photo.jpg" type:image/jpeg')).toMatchObject({
      name: 'my holiday "best" photo.jpg', type: 'image/jpeg', size: 12, hash: undefined, problems: [],
    });
    expect(parseFileSelector('name:"caf%C3%A9 100%25.txt"').name).toBe('café 100%.txt');
    expect(parseFileSelector('name:"50%.txt"').name).toBe('50%.txt');
    expect(parseFileSelector('type:text/plain;charset="utf-8" name:"a b"')).toMatchObject({ type: 'text/plain;charset="utf-8"', name: 'a b' });
  });

  it('keeps every selector in order, unknown ones included, and reports problems', () => {
    const fs = parseFileSelector('name:"x" future:thing size:-1 hash:sha-1:ZZ bare');
    expect(fs.selectors).toEqual([['name', 'x'], ['future', 'thing'], ['size', '-1'], ['hash', 'sha-1:ZZ']]);
    expect(fs.problems).toEqual(['selector "bare" has no value', 'bad size "-1"', 'bad hash "sha-1:ZZ"']);
    expect(fs.size).toBeUndefined();
    expect(fs.hash).toBeUndefined();
  });

  it('parses hashes and ranges', () => {
    expect(parseFileHash('SHA-256:AB:cd:09')).toEqual({ algorithm: 'sha-256', hex: 'abcd09' });
    expect(parseFileHash('sha-1:ABC')).toBeUndefined();
    expect(parseFileHash(':AB')).toBeUndefined();
    expect(parseFileRange('10-200')).toEqual({ start: 10, stop: 200 });
    expect(parseFileRange('x-1')).toBeUndefined();
  });
});

describe('MSRP URIs', () => {
  it('extracts host, port, session-id and transport', () => {
    expect(parseMsrpUri('msrp://127.0.0.1:2862/abc123;tcp')).toEqual({ scheme: 'msrp', host: '127.0.0.1', port: 2862, sessionId: 'abc123', transport: 'tcp' });
    expect(parseMsrpUri('MSRPS://bob@Example.COM/s+=/x;WS;foo=bar')).toEqual({ scheme: 'msrps', host: 'example.com', port: undefined, sessionId: 's+=/x', transport: 'ws' });
    expect(msrpSessionId('msrp://[::1]:2862/bd9T5BeFo8lB;tcp')).toBe('bd9T5BeFo8lB');
    expect(parseMsrpUri('msrp://h:99999/a;tcp')).toBeUndefined();
    expect(parseMsrpUri('msrp://h:1/a')).toBeUndefined();
    expect(parseMsrpUri('sip:h')).toBeUndefined();
  });
});
