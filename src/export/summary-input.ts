/**
 * The text summary's input built straight from the model's view: the same values renderSummary would read from
 * buildJsonDocument(), without building every message and transaction record (typed headers, legs,
 * previews) only to read a few fields of each.
 */
import type { ModelView } from '../model/view.js';
import { computeDelivery } from '../model/delivery.js';
import { captureJson, crossCounts, recordContext, sectionRecords, summaryJson } from './json.js';
import { connectionJson, round3, sessionJson } from './records.js';
import type { SummaryInput, SummaryMessage, SummaryRows, SummaryTransaction } from './summary.js';
import type { MessageRecord } from '../model/messages.js';
import { filteredSections, type RecordFilter } from './filter.js';

export function summaryInput(view: ModelView): SummaryInput {
  const ctx = recordContext(view);
  const { sessionBytes } = crossCounts(view);
  const list = view.messages();
  const row = (m: MessageRecord): SummaryMessage => {
    const d = computeDelivery(m);
    return {
      id: m.index,
      messageId: m.messageId,
      session: m.session?.index ?? null,
      contentType: m.contentType ?? null,
      size: m.size(),
      bytesSeen: m.bytesSeen(),
      chunks: m.maxChunks(),
      legs: m.legs,
      state: m.state(),
      delivery: { state: d.state, code: d.code, latencyMs: d.latencyMs === null ? null : round3(d.latencyMs) },
    };
  };
  // A row is made when read: the summary shows the first rows and counts the rest, so none is held per message.
  // Folded messages (long captures) are never among the first rows: the list's first entries are those rows.
  const messages: SummaryRows<SummaryMessage> = {
    length: view.messageTotal(),
    slice: (start, end) => list.slice(start, end).map(row),
    *[Symbol.iterator]() {
      for (const m of list) yield row(m);
    },
  };
  return {
    capture: captureJson(view, ctx),
    summary: summaryJson(view),
    connections: view.connections().map((c) => connectionJson(c, ctx)),
    sessions: view.sessions().map((s) => sessionJson(s, ctx, sessionBytes.get(s.index) ?? 0)),
    messages,
    // Grouped by the model as they came: the transactions need not be retained for the summary.
    transactions: [],
    transactionGroups: view.transactionTally().list(),
    diagnostics: view.diagnostics(),
    foldedFailedBySession: view.foldedMessages()?.failedBySession,
  };
}

/**
 * The summary's input for a filter, from the filtered section table: each kept message and transaction is
 * made and only the fields the summary reads are kept, so the filtered document is never built whole.
 */
export function filteredSummaryInput(view: ModelView, filter: RecordFilter): SummaryInput {
  const s = filteredSections(view, filter);
  // Each record made, its fields picked, the record dropped.
  const picked = <T, R>(l: { count: number; item: (i: number) => T }, pick: (x: T) => R): R[] => Array.from({ length: l.count }, (_, i) => pick(l.item(i)));
  return {
    capture: s.capture.value(),
    summary: s.summary.value(),
    connections: sectionRecords(s.connections),
    sessions: sectionRecords(s.sessions),
    messages: picked(s.messages, (m): SummaryMessage => ({
      id: m.id,
      messageId: m.messageId,
      session: m.session,
      contentType: m.contentType,
      size: m.size,
      bytesSeen: m.bytesSeen,
      chunks: m.chunks,
      legs: { length: m.legs.length },
      state: m.state,
      delivery: { state: m.delivery.state, code: m.delivery.code, latencyMs: m.delivery.latencyMs },
    })),
    transactions: picked(s.transactions, (t): SummaryTransaction => ({
      method: t.method,
      state: t.state,
      rttMs: t.rttMs,
      request: t.request === null ? null : { truncated: t.request.truncated },
      response: t.response === null ? null : { status: t.response.status, truncated: t.response.truncated },
    })),
    diagnostics: sectionRecords(s.diagnostics),
  };
}
