/**
 * A generated capture with frames cut before their end-line, like the 423 of ../shared/corpus/relay_abort_fail.pcap:
 * one MSRP connection (handshake, segments, FIN) carrying a SEND answered 200, an AUTH answered 401, an AUTH
 * answered 423 whose end-line text comes after garbage on a header line (so it never ends the frame), and a
 * last SEND cut in its body by the FIN.
 */
import { buildMsrpCapture, msrpRequest, msrpResponse } from '../hostile/build-capture.js';

export const CUT_FROM = 'msrp://192.0.2.10:2855/a1iceS3ss;tcp';
export const CUT_TO = 'msrp://198.51.100.20:2855/b0bS3ssi0n;tcp';
const RELAY = 'msrp://198.51.100.20:2855;tcp';
/** An AUTH client that is no session's endpoint: its transactions are listed under the connection. */
const AUTH_CLIENT = 'msrp://192.0.2.10:49733/auThCl1ent;tcp';

/** The 423 as sent: start-line, two headers, then a line of garbage ending in the end-line text. */
export const CUT_423 = Buffer.concat([
  Buffer.from(`MSRP au0002 423 Interval Out Of Bounds\r\nTo-Path: ${AUTH_CLIENT}\r\nFrom-Path: ${RELAY}\r\n`, 'latin1'),
  Buffer.from([0x78, 0x79, 0x7a, 0x00, 0x1b, 0x5b, 0x32, 0x4a, 0xc0, 0xed]),
  Buffer.from('-------au0002$\r\n', 'latin1'),
]);

/** The last SEND as far as it is sent before the FIN. */
export const CUT_SEND = `MSRP se0002 SEND\r\nTo-Path: ${CUT_TO}\r\nFrom-Path: ${CUT_FROM}\r\nMessage-ID: msg00002\r\nByte-Range: 1-11/11\r\nContent-Type: text/plain\r\n\r\nhello`;

export function cutCapture(): Buffer {
  const send = (txid: string, id: string, body: string): string =>
    msrpRequest(txid, 'SEND', [['To-Path', CUT_TO], ['From-Path', CUT_FROM], ['Message-ID', id], ['Byte-Range', `1-${body.length}/${body.length}`], ['Content-Type', 'text/plain']], body);
  const auth = (txid: string): string => msrpRequest(txid, 'AUTH', [['To-Path', RELAY], ['From-Path', AUTH_CLIENT]]);
  return buildMsrpCapture([
    { from: 'c', bytes: send('se0001', 'msg00001', 'hi there') },
    { from: 's', bytes: msrpResponse('se0001', '200 OK', [['To-Path', CUT_FROM], ['From-Path', CUT_TO]]) },
    { from: 'c', bytes: auth('au0001') },
    { from: 's', bytes: msrpResponse('au0001', '401 Unauthorized', [['To-Path', AUTH_CLIENT], ['From-Path', RELAY]]) },
    { from: 'c', bytes: auth('au0002') },
    { from: 's', bytes: CUT_423 },
    { from: 'c', bytes: CUT_SEND },
  ]);
}
