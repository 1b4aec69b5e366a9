/**
 * `--ndjson`: one JSON record per line, written the moment the model knows it (model change events), so
 * a live capture piped in shows up record by record. Every record has `type`; records tied to a
 * connection carry its id and 5-tuple (`tuple`, oriented as the record travelled), frame numbers and times.
 */
import type { Dir } from '../tcp/types.js';
import { terminalSafeJson } from './json-safe.js';
import type { ModelEvent } from '../model/events.js';
import type { ConnectionRecord } from '../model/connections.js';
import type { ModelView, ObservedModel } from '../model/view.js';
import { computeDelivery } from '../model/delivery.js';
import { messageIndexOf } from '../model/transactions.js';
import { captureJson, connectionLookup, recordContext, summaryJson } from './json.js';
import {
  connectionJson,
  diagnosticJson,
  jsonTime,
  messageJson,
  sessionJson,
  type ConnectionLookup,
  type RecordContext,
} from './records.js';

export interface JsonTuple {
  proto: 'tcp' | 'udp';
  src: string;
  srcPort: number;
  dst: string;
  dstPort: number;
}

export function tupleOf(c: ConnectionRecord, dir: Dir): JsonTuple {
  const e = c.ends(dir);
  return { proto: 'tcp', src: e.src.address, srcPort: e.src.port, dst: e.dst.address, dstPort: e.dst.port };
}

/** Builds the NDJSON record for one model event (undefined for events that produce no line). */
export function ndjsonRecord(view: ModelView, e: ModelEvent, ctx: RecordContext, conns: ConnectionLookup): object | undefined {
  switch (e.type) {
    case 'connection': {
      const c = e.connection;
      return { type: 'connection', event: e.event, tuple: tupleOf(c, 0), ...connectionJson(c, ctx) };
    }
    case 'request': {
      const t = e.transaction;
      const rq = t.request;
      if (rq === undefined) return undefined;
      const c = conns(t.connection);
      const f = e.fields;
      return {
        type: 'request',
        connection: t.connection,
        tuple: c === undefined ? null : tupleOf(c, rq.dir),
        direction: rq.dir === 0 ? 'c2s' : 's2c',
        ...jsonTime(rq.firstFrame, ctx),
        lastFrame: rq.lastFrame.frame,
        transaction: t.index,
        transactionId: t.transactionId,
        method: rq.method,
        messageId: f.messageId ?? null,
        byteRange: f.byteRange === undefined ? null : { ...f.byteRange },
        flag: rq.flag ?? null,
        bodyLength: rq.bodyLength,
        contentType: f.contentType ?? null,
        status: f.status === undefined ? null : { ...f.status },
        toPath: [...f.toPath],
        fromPath: [...f.fromPath],
        expects: t.expects,
        session: t.session?.index ?? null,
        message: messageIndexOf(t),
      };
    }
    case 'response': {
      const t = e.transaction;
      const rs = t.response;
      if (rs === undefined) return undefined;
      const c = conns(t.connection);
      return {
        type: 'response',
        connection: t.connection,
        tuple: c === undefined ? null : tupleOf(c, rs.dir),
        direction: rs.dir === 0 ? 'c2s' : 's2c',
        ...jsonTime(rs.firstFrame, ctx),
        lastFrame: rs.lastFrame.frame,
        transaction: t.index,
        transactionId: t.transactionId,
        status: rs.status,
        comment: rs.comment,
        method: t.request?.method ?? null,
        requestFrame: t.request?.firstFrame.frame ?? null,
        rttMs: rs.rttMs === null ? null : Math.round(rs.rttMs * 1000) / 1000,
        duplicate: t.extraResponses > 0,
        session: t.session?.index ?? null,
        message: messageIndexOf(t),
      };
    }
    case 'session': {
      const s = e.session;
      const first = s.connections[0];
      const c = first === undefined ? undefined : conns(first);
      return { type: 'session', connection: first ?? null, tuple: c === undefined ? null : tupleOf(c, 0), ...sessionJson(s, ctx, 0) };
    }
    case 'message': {
      const m = e.message;
      const leg = m.legs[0];
      const c = leg === undefined ? undefined : conns(leg.connection);
      return {
        type: 'message',
        connection: leg?.connection ?? null,
        tuple: c === undefined || leg === undefined ? null : tupleOf(c, leg.dir),
        ...messageJson(m, ctx, conns),
      };
    }
    case 'delivery': {
      const m = e.message;
      const d = computeDelivery(m);
      const leg = m.legs[0];
      const c = leg === undefined ? undefined : conns(leg.connection);
      return {
        type: 'delivery',
        connection: leg?.connection ?? null,
        tuple: c === undefined || leg === undefined ? null : tupleOf(c, leg.dir),
        message: m.index,
        messageId: m.messageId,
        session: m.session?.index ?? null,
        first: jsonTime(m.first, ctx),
        state: d.state,
        code: d.code,
        via: d.via,
        at: d.at === undefined ? null : jsonTime(d.at, ctx),
        latencyMs: d.latencyMs === null ? null : Math.round(d.latencyMs * 1000) / 1000,
      };
    }
    case 'sip': {
      const msg = e.message;
      return {
        type: 'sip',
        connection: msg.connection,
        tuple: { proto: msg.transport, src: msg.src.address, srcPort: msg.src.port, dst: msg.dst.address, dstPort: msg.dst.port },
        ...jsonTime(msg.firstFrame, ctx),
        lastFrame: msg.lastFrame.frame,
        kind: msg.kind,
        method: msg.method ?? null,
        status: msg.status ?? null,
        reason: msg.reason,
        callId: msg.callId ?? null,
        cseq: msg.cseq === undefined ? null : { seq: msg.cseq.seq, method: msg.cseq.method },
        from: msg.from?.uri ?? null,
        to: msg.to?.uri ?? null,
        dialog: e.dialog === undefined ? null : view.dialogNumber(e.dialog),
        dialogState: e.dialog?.state ?? null,
        msrpSessionIds: e.dialog === undefined ? [] : [...e.dialog.msrpSessionIds],
      };
    }
    case 'diagnostic': {
      const d = e.diagnostic;
      const c = d.connection >= 0 ? conns(d.connection) : undefined;
      return { type: 'diagnostic', tuple: c === undefined ? null : tupleOf(c, 0), ...diagnosticJson(d) };
    }
    case 'summary':
      return { type: 'summary', capture: captureJson(view, ctx), ...summaryJson(view) };
  }
}

/**
 * Subscribes to the model and writes one line (without the newline) per record as events arrive.
 * Returns the unsubscribe function. `summary` is the last line, written when the model finishes. `escaped`
 * false: each line as JSON.stringify made it, for a writer that escapes what it writes in one go
 * (terminalSafeJson leaves the newlines between lines as they are; cli/outputs/ndjson.ts escapes a batch of lines
 * on the bytes it encodes for writing).
 */
export function createNdjsonWriter(model: ObservedModel, write: (line: string) => void, escaped = true): () => void {
  const view = model.view();
  const conns: ConnectionLookup = connectionLookup(view);
  return model.onEvent((e) => {
    const rec = ndjsonRecord(view, e, recordContext(view), conns);
    if (rec === undefined) return;
    const json = JSON.stringify(rec);
    write(escaped ? terminalSafeJson(json) : json);
  });
}
