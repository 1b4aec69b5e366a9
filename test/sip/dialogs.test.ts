import { describe, expect, it } from 'vitest';
import { SipDialogTracker, type MsrpEndpointInfo } from '../../src/sip/dialogs.js';
import type { SipMessage } from '../../src/sip/message.js';
import { parseSipDatagram } from '../../src/sip/parser.js';
import { collectDiagnostics, expectDeclared, frame, inviteHeaders, sip, SDP_ANSWER, SDP_OFFER } from './helpers.js';

const ALICE = { address: '127.0.0.1', port: 5072 };
const PROXY = { address: '127.0.0.1', port: 5060 };
const BOB = { address: '127.0.0.1', port: 5082 };
type Ep = typeof ALICE;

let frameNo = 0;
function msg(text: string, src: Ep, dst: Ep): SipMessage {
  const m = parseSipDatagram(Buffer.from(text), { from: frame(++frameNo), src, dst });
  if (m === undefined) throw new Error('not SIP');
  return m;
}

const SDP: Array<[string, string]> = [['Content-Type', 'application/sdp']];
const req = (method: string, callId: string, cseq: number, body = '', toTag?: string, fromBob = false): string => {
  const h = inviteHeaders(callId, cseq, method, toTag);
  if (fromBob) {
    h[2] = ['From', `<sip:bob@127.0.0.1:5082>;tag=${toTag ?? 'btag'}`];
    h[3] = ['To', '"Alice" <sip:alice@127.0.0.1:5072>;tag=atag'];
  }
  return sip(`${method} sip:x@127.0.0.1 SIP/2.0`, body ? [...h, ...SDP] : h, body);
};
const resp = (status: string, callId: string, cseq: number, method: string, body = '', toTag = 'btag'): string =>
  sip(`SIP/2.0 ${status}`, [...inviteHeaders(callId, cseq, method, toTag), ['Record-Route', '<sip:127.0.0.1;lr=on>'], ...(body ? SDP : [])], body);

/** The proxied call of the corpus: every request and response crosses the proxy (two hops), 100 from the proxy only. */
function proxiedCall(t: SipDialogTracker, callId: string): void {
  const hop2 = (text: string, a: Ep, b: Ep, c: Ep): void => {
    t.push(msg(text, a, b));
    t.push(msg(text.replace('Via: ', 'Via: SIP/2.0/UDP 127.0.0.1;branch=z9hG4bKp, '), b, c));
  };
  hop2(req('INVITE', callId, 1, SDP_OFFER), ALICE, PROXY, BOB);
  t.push(msg(resp('100 Trying', callId, 1, 'INVITE', '', ''), PROXY, ALICE));
  hop2(resp('180 Ringing', callId, 1, 'INVITE'), BOB, PROXY, ALICE);
  hop2(resp('200 OK', callId, 1, 'INVITE', SDP_ANSWER), BOB, PROXY, ALICE);
  hop2(req('ACK', callId, 1, '', 'btag'), ALICE, PROXY, BOB);
  hop2(req('BYE', callId, 2, '', 'btag', true), BOB, PROXY, ALICE);
  hop2(resp('200 OK', callId, 2, 'BYE'), ALICE, PROXY, BOB);
}

describe('SipDialogTracker', () => {
  it('counts every hop, follows the state and records offer and answer of a proxied call', () => {
    const d = collectDiagnostics();
    const learned: MsrpEndpointInfo[] = [];
    const t = new SipDialogTracker({ onDiagnostic: d.sink, onMsrpEndpoint: (ep) => learned.push(ep) });
    frameNo = 0;
    proxiedCall(t, 'call-a@h');
    expect(d.list).toEqual([]);
    expect(t.stats.messages).toBe(13);
    expect([...t.stats.requests]).toEqual([['INVITE', 2], ['ACK', 2], ['BYE', 2]]);
    expect([...t.stats.responses]).toEqual([[100, 1], [180, 2], [200, 4]]);
    expect([...t.stats.responsesByMethod]).toEqual([['100 INVITE', 1], ['180 INVITE', 2], ['200 INVITE', 2], ['200 BYE', 2]]);
    expect(t.stats.dialogs).toBe(1);
    const [dlg] = t.dialogs();
    expect(dlg).toBeDefined();
    if (!dlg) return;
    expect(dlg).toMatchObject({
      callId: 'call-a@h', transport: 'udp', state: 'terminated', terminatedBy: 'BYE', byeFrom: 'callee', messages: 13,
      fromTag: 'atag', toTag: 'btag', invites: 1, reInvites: 0, maxVia: 2, recordRoute: true, msrpSessionIds: ['abc123', 'xyz789'],
    });
    expect(dlg.first.frame).toBe(1);
    expect(dlg.last.frame).toBe(13);
    expect(dlg.from?.display).toBe('Alice');
    expect(dlg.negotiations).toHaveLength(1);
    expect(dlg.offer).toMatchObject({ kind: 'request', method: 'INVITE', cseq: 1, frames: [1, 2], src: ALICE, dst: PROXY });
    expect(dlg.offer?.frame.frame).toBe(1);
    expect(dlg.answer).toMatchObject({ kind: 'response', status: 200, cseqMethod: 'INVITE', frames: [6, 7], src: BOB });
    expect(dlg.offer?.msrp[0]).toMatchObject({ port: 2862, setup: 'active', sessionId: 'abc123' });
    expect(dlg.answer?.msrp[0]).toMatchObject({ port: 2872, setup: 'passive', sessionId: 'xyz789' });
    expect(dlg.events.map((e) => e.method ?? e.status)).toEqual(['INVITE', 'INVITE', 100, 180, 180, 200, 200, 'ACK', 'ACK', 'BYE', 'BYE', 200, 200]);
    expect(dlg.events.filter((e) => e.hasSdp).map((e) => e.frame)).toEqual([1, 2, 6, 7]);
    expect([...t.msrpPorts()].sort()).toEqual([2862, 2872]);
    expect(t.msrpEndpoints().map((e) => [e.address, e.port, e.sessionId, e.frame])).toEqual([
      ['127.0.0.1', 2862, 'abc123', 1],
      ['127.0.0.1', 2872, 'xyz789', 6],
    ]);
    expect(learned.map((e) => e.port)).toEqual([2862, 2872]);
  });

  it('is early after the INVITE and confirmed after the 200', () => {
    const t = new SipDialogTracker();
    t.push(msg(req('INVITE', 'c@h', 1, SDP_OFFER), ALICE, BOB));
    expect(t.dialog('c@h')?.state).toBe('early');
    expect(t.dialog('c@h')?.offer?.frames).toHaveLength(1);
    expect(t.dialog('c@h')?.answer).toBeUndefined();
    t.push(msg(resp('180 Ringing', 'c@h', 1, 'INVITE'), BOB, ALICE));
    expect(t.dialog('c@h')?.state).toBe('early');
    t.push(msg(resp('200 OK', 'c@h', 1, 'INVITE', SDP_ANSWER), BOB, ALICE));
    expect(t.dialog('c@h')?.state).toBe('confirmed');
  });

  it('takes the offer from the 200 and the answer from the ACK when the INVITE has no SDP', () => {
    const t = new SipDialogTracker();
    t.push(msg(req('INVITE', 'late@h', 1), ALICE, BOB));
    const ok = msg(resp('200 OK', 'late@h', 1, 'INVITE', SDP_ANSWER), BOB, ALICE);
    t.push(ok);
    const ack = msg(req('ACK', 'late@h', 1, SDP_OFFER, 'btag'), ALICE, BOB);
    t.push(ack);
    const dlg = t.dialog('late@h');
    expect(dlg?.offer).toMatchObject({ kind: 'response', status: 200 });
    expect(dlg?.offer?.frame.frame).toBe(ok.firstFrame.frame);
    expect(dlg?.answer).toMatchObject({ kind: 'request', method: 'ACK' });
    expect(dlg?.answer?.frame.frame).toBe(ack.firstFrame.frame);
  });

  it('tracks a re-INVITE as a new negotiation and an UPDATE', () => {
    const t = new SipDialogTracker();
    t.push(msg(req('INVITE', 're@h', 1, SDP_OFFER), ALICE, BOB));
    t.push(msg(resp('200 OK', 're@h', 1, 'INVITE', SDP_ANSWER), BOB, ALICE));
    t.push(msg(req('ACK', 're@h', 1, '', 'btag'), ALICE, BOB));
    const newOffer = SDP_OFFER.replace('abc123', 'def456');
    const reinvite = msg(req('INVITE', 're@h', 2, newOffer, 'btag'), ALICE, BOB);
    t.push(reinvite);
    // a UDP retransmission of the re-INVITE is one more wire occurrence of the same offer
    t.push(msg(req('INVITE', 're@h', 2, newOffer, 'btag'), ALICE, BOB));
    let dlg = t.dialog('re@h');
    expect(dlg?.offer?.sdp.media[0]?.msrp?.sessionId).toBe('abc123'); // still the completed negotiation
    t.push(msg(resp('200 OK', 're@h', 2, 'INVITE', SDP_ANSWER), BOB, ALICE));
    t.push(msg(req('UPDATE', 're@h', 3, SDP_OFFER, 'btag'), ALICE, BOB));
    t.push(msg(resp('491 Request Pending', 're@h', 3, 'UPDATE'), BOB, ALICE));
    dlg = t.dialog('re@h');
    expect(dlg).toMatchObject({ state: 'confirmed', invites: 2, reInvites: 1, updates: 1, msrpSessionIds: ['abc123', 'xyz789', 'def456'] });
    expect(dlg?.negotiations.map((n) => [n.method, n.cseq, n.offer?.frames.length, n.answer !== undefined, n.rejected])).toEqual([
      ['INVITE', 1, 1, true, undefined],
      ['INVITE', 2, 2, true, undefined],
      ['UPDATE', 3, 1, false, 491],
    ]);
    expect(dlg?.offer?.frame.frame).toBe(reinvite.firstFrame.frame);
    expect(dlg?.requests.get('INVITE')).toBe(3);
  });

  it('terminates on a failed INVITE, and reopens for the retry with credentials', () => {
    const t = new SipDialogTracker();
    t.push(msg(req('INVITE', 'auth@h', 1, SDP_OFFER), ALICE, PROXY));
    t.push(msg(resp('407 Proxy Authentication Required', 'auth@h', 1, 'INVITE'), PROXY, ALICE));
    expect(t.dialog('auth@h')).toMatchObject({ state: 'terminated', terminatedBy: '407' });
    t.push(msg(req('INVITE', 'auth@h', 2, SDP_OFFER), ALICE, PROXY));
    expect(t.dialog('auth@h')?.state).toBe('early');
    t.push(msg(resp('486 Busy Here', 'auth@h', 2, 'INVITE'), PROXY, ALICE));
    expect(t.dialog('auth@h')).toMatchObject({ state: 'terminated', terminatedBy: '486', invites: 2 });
    expect(t.dialog('auth@h')?.negotiations.map((n) => n.rejected)).toEqual([407, 486]);
    t.push(msg(req('INVITE', 'cancel@h', 1, SDP_OFFER), ALICE, BOB));
    t.push(msg(req('CANCEL', 'cancel@h', 1), ALICE, BOB));
    t.push(msg(resp('487 Request Terminated', 'cancel@h', 1, 'INVITE'), BOB, ALICE));
    expect(t.dialog('cancel@h')).toMatchObject({ state: 'terminated', terminatedBy: 'CANCEL' });
  });

  it('ends a Call-ID used by a lone MESSAGE transaction; ignores messages without Call-ID for dialogs', () => {
    const t = new SipDialogTracker();
    t.push(msg(req('MESSAGE', 'pager@h', 1, ''), ALICE, BOB));
    t.push(msg(resp('200 OK', 'pager@h', 1, 'MESSAGE'), BOB, ALICE));
    expect(t.dialog('pager@h')).toMatchObject({ state: 'terminated', terminatedBy: '200' });
    t.push(msg('OPTIONS sip:x SIP/2.0\r\nVia: SIP/2.0/UDP h\r\nContent-Length: 0\r\n\r\n', ALICE, BOB));
    expect(t.stats.requests.get('OPTIONS')).toBe(1);
    expect(t.stats.dialogs).toBe(1);
  });

  it('reports SDP problems once per SDP and keeps working', () => {
    const d = collectDiagnostics();
    const t = new SipDialogTracker({ onDiagnostic: d.sink });
    const bad = 'v=0\r\nc=IN IP4 10.0.0.9\r\nm=message 3000 TCP/MSRP *\r\na=setup:sideways\r\n';
    t.push(msg(req('INVITE', 'bad@h', 1, bad), ALICE, PROXY));
    t.push(msg(req('INVITE', 'bad@h', 1, bad), PROXY, BOB));
    expect(d.codes()).toEqual(['sdp-msrp-no-path', 'sdp-bad-attribute']);
    expect(d.list[1]).toMatchObject({ frame: t.dialog('bad@h')?.first.frame, connection: -1 });
    expect(d.list[1]?.detail).toBe('SDP line 3: m=message 3000: bad a=setup:sideways');
    expectDeclared(d.list);
    expect(t.msrpEndpoints().map((e) => [e.address, e.port, e.uri])).toEqual([['10.0.0.9', 3000, undefined]]);
  });

  it('finds SDP inside a multipart body', () => {
    const t = new SipDialogTracker();
    const body = `--b1\r\nContent-Type: text/plain\r\n\r\nhello\r\n--b1\r\nContent-Type: application/sdp\r\n\r\n${SDP_OFFER}\r\n--b1--\r\n`;
    const text = sip('INVITE sip:x SIP/2.0', [...inviteHeaders('mp@h'), ['Content-Type', 'multipart/mixed;boundary="b1"']], body);
    t.push(msg(text, ALICE, BOB));
    expect(t.dialog('mp@h')?.offer?.text).toBe(SDP_OFFER);
    expect(t.dialog('mp@h')?.msrpSessionIds).toEqual(['abc123']);
  });

  it('bounds the number of dialogs kept but keeps counting Call-IDs', () => {
    const d = collectDiagnostics();
    const t = new SipDialogTracker({ maxDialogs: 2, onDiagnostic: d.sink });
    for (let i = 0; i < 5; i++) t.push(msg(req('OPTIONS', `o${i}@h`, 1), ALICE, BOB));
    t.push(msg(req('OPTIONS', 'o4@h', 2), ALICE, BOB));
    expect(t.dialogs()).toHaveLength(2);
    expect(t.stats.dialogs).toBe(5);
    expect(t.stats.requests.get('OPTIONS')).toBe(6);
    expect(d.codes()).toEqual(['sip-dialog-limit']);
  });
});
