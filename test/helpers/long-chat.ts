/** A long chat fed to a model: what the tests of records let go while a capture is read (--json, --ladder, --html) draw from. */
import type { Correlator } from '../../src/model/correlator.js';
import { ALICE, BOB, RELAY_A, feedRequest, feedResponse, reportHeaders, sendHeaders, tcpConn } from './frames.js';

/** An IMDN delivery notification for the message whose imdn.Message-ID is `id`. */
function notificationBody(id: string): string {
  const xml = `<?xml version="1.0" encoding="UTF-8"?>\n<imdn xmlns="urn:ietf:params:xml:ns:imdn"><message-id>${id}</message-id><delivery-notification><status><delivered/></status></delivery-notification></imdn>`;
  return `From: <im:bob@example.com>\r\nTo: <im:alice@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: n-${id}\r\n\r\nContent-Type: message/imdn+xml\r\n\r\n${xml}`;
}

/** A CPIM text message asking for a delivery notification. */
function cpimBody(id: string, text: string): string {
  return `From: <im:alice@example.com>\r\nTo: <im:bob@example.com>\r\nNS: imdn <urn:ietf:params:imdn>\r\nimdn.Message-ID: ${id}\r\nimdn.Disposition-Notification: positive-delivery\r\n\r\nContent-Type: text/plain\r\n\r\n${text}`;
}

/**
 * `n` messages on three connections, one a second of capture time: delivered by REPORT, failed by a 415 REPORT,
 * relayed, failed by a 481, plain; every seventh a CPIM message asking for a notification, which comes 60
 * messages (60 s) later. Some responses come late, ten messages later (by then the transaction would have been
 * let go if it were not still reachable): the last chunk's of every eleventh message, and a repeated one for
 * every thirteenth, sent on a connection of its own (so that it stays among the last answered there).
 */
export function feedLongChat(store: Correlator, n: number): void {
  let frame = 1;
  const later = new Map<number, Array<() => void>>();
  const due = (at: number, f: () => void): void => {
    const l = later.get(at);
    if (l === undefined) later.set(at, [f]);
    else l.push(f);
  };
  const send = (i: number, id: string, body: string, type: string, session: number, ms: number, opts: { relayed?: boolean; status?: number; report?: string; back?: boolean }): void => {
    const c = tcpConn(session);
    const size = Buffer.byteLength(body);
    const bytes = Buffer.from(body);
    const dir = opts.back === true ? 1 : 0;
    const to = opts.back === true ? [ALICE] : opts.relayed === true ? [RELAY_A, BOB] : [BOB];
    const from = opts.back === true ? [BOB] : [ALICE];
    for (let start = 0; start < size; start += 40) {
      const end = Math.min(size, start + 40);
      const tid = `t${i}x${start}${id.length}`;
      feedRequest(store, c, dir, {
        tid,
        method: 'SEND',
        headers: sendHeaders({ id, to, from, range: `${start + 1}-${end}/${size}`, type, extra: [['Success-Report', opts.report === undefined ? 'no' : 'yes']] }),
        body: bytes.subarray(start, end),
        flag: end === size ? '$' : '+',
        frame: frame++,
        ms: ms++,
      });
      const answer = (): void => {
        feedResponse(store, c, dir === 0 ? 1 : 0, { tid, status: opts.status ?? 200, frame: frame++, ms: ms++ });
      };
      if (end === size && i % 11 === 5) due(i + 10, answer);
      else answer();
      if (end === size && i % 13 === 0) due(i + 10, answer);
    }
    if (opts.report !== undefined) {
      feedRequest(store, c, 1, {
        tid: `r${i}rep`,
        method: 'REPORT',
        headers: reportHeaders({ id, range: `1-${size}/${size}`, status: `000 ${opts.report}` }),
        frame: frame++,
        ms: ms++,
      });
    }
  };
  for (let i = 0; i < n; i++) {
    const ms = i * 1000;
    const session = i % 13 === 0 ? 3 : i % 3;
    if (i % 7 === 0) send(i, `m${i}`, cpimBody(`i${i}`, `hello ${i}`), 'message/cpim', session, ms, {});
    else {
      const body = `body ${i} `.repeat(1 + ((i * 37) % 15));
      const kind = i % 5;
      send(i, `m${i}`, body, 'text/plain', session, ms, {
        report: kind === 0 ? '200 OK' : kind === 1 ? '415 Unsupported media' : undefined,
        relayed: kind === 2,
        status: kind === 3 ? 481 : undefined,
      });
    }
    if (i >= 60 && (i - 60) % 7 === 0) send(i, `note${i}`, notificationBody(`i${i - 60}`), 'message/cpim', (i - 60) % 3, ms + 500, { back: true });
    for (const f of later.get(i) ?? []) f();
    later.delete(i);
  }
  for (const l of later.values()) for (const f of l) f();
}

