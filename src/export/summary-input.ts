/**
 * The text summary's input built straight from the model's view: the same values renderSummary would read from
 * buildJsonDocument(), without building every message and transaction record (typed headers, legs,
 * previews) only to read a few fields of each.
 */
import type { ModelView } from '../model/view.js';
import { computeDelivery } from '../model/delivery.js';
import { captureJson, crossCounts, recordContext, summaryJson } from './json.js';
import { connectionJson, round3, sessionJson } from './records.js';
import type { SummaryInput, SummaryMessage } from './summary.js';

export function summaryInput(view: ModelView): SummaryInput {
  const ctx = recordContext(view);
  const { sessionBytes } = crossCounts(view);
  const messages: SummaryMessage[] = view.messages().map((m) => {
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
  });
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
  };
}
