/** Reads the ground truth of a corpus capture (CAPTURE.truth.md): the "Independent count" section. */
import { readFileSync } from 'node:fs';

export interface TruthLeg {
  stream: number;
  /** 0: client → server (`c`), 1: server → client (`s`). */
  dir: 0 | 1;
  chunks: number;
  state: string;
}

export interface TruthMessage {
  id: string;
  contentType: string;
  size: number | null;
  legs: TruthLeg[];
  state: string;
}

export interface Truth {
  connections: number | undefined;
  tls: number;
  requests: Map<string, number>;
  responses: Map<string, number>;
  /** True when tshark's PDML counted the same requests/responses as the independent scanner. */
  tsharkAgrees: boolean;
  distinctMessageIds: number;
  states: { complete: number; aborted: number; incomplete: number };
  /** Endpoint URI pairs of the "MSRP sessions" table. */
  sessions: Array<[string, string]>;
  sipDialogs: number;
  callIds: string[];
  /** Rows of the independent messages table (some tables omit rows: `omitted` counts them). */
  messages: TruthMessage[];
  omitted: number;
  /** REPORT count per Message-ID from the tshark messages table (only reliable when tsharkAgrees). */
  reports: Map<string, number>;
  bytesSkipped: number;
}

function kv(text: string): Map<string, number> {
  const out = new Map<string, number>();
  for (const part of text.split(',')) {
    const eq = part.lastIndexOf('=');
    if (eq > 0) out.set(part.slice(0, eq).trim(), Number(part.slice(eq + 1).trim()));
  }
  return out;
}

function tableRows(section: string): string[][] {
  const rows: string[][] = [];
  for (const line of section.split('\n')) {
    if (!line.startsWith('| `')) continue;
    rows.push(
      line
        .slice(1, -1)
        .split(' | ')
        .map((c) => c.trim()),
    );
  }
  return rows;
}

function sectionAfter(text: string, heading: string): string {
  const i = text.indexOf(heading);
  if (i < 0) return '';
  const rest = text.slice(i + heading.length);
  const next = rest.search(/\n#{2,3} /);
  return next < 0 ? rest : rest.slice(0, next);
}

const unquote = (s: string): string => s.replace(/^`|`$/g, '');

export function readTruth(capturePath: string): Truth {
  const text = readFileSync(`${capturePath}.truth.md`, 'utf8');
  const ind = text.split('## Independent count', 2)[1] ?? '';
  const num = (re: RegExp, src = text): number | undefined => {
    const m = re.exec(src);
    return m === null ? undefined : Number(m[1]);
  };
  const states = { complete: 0, aborted: 0, incomplete: 0 };
  const all = /All messages \(independent\): (.*)/.exec(text);
  if (all !== null) {
    for (const [k, v] of kv(all[1] ?? '')) {
      const key = k.startsWith('complete') ? 'complete' : (k as keyof typeof states);
      if (key in states) states[key] += v;
    }
  }
  const sessions = tableRows(sectionAfter(text, '### MSRP sessions')).map((r) => {
    const [a, b] = (r[0] ?? '').split(' <-> ').map(unquote);
    return [a ?? '', b ?? ''] as [string, string];
  });
  const msgSection = sectionAfter(text, '### Messages by Message-ID (independent)');
  const messages: TruthMessage[] = tableRows(msgSection).map((r) => ({
    id: unquote(r[0] ?? ''),
    contentType: r[1] ?? '',
    size: /^\d+$/.test(r[2] ?? '') ? Number(r[2]) : null,
    legs: (r[4] ?? '')
      .split(/\s+/)
      .filter((x) => x !== '')
      .map((leg) => {
        const m = /^s(\d+)([cs]):(\d+)\/(\w+)$/.exec(leg);
        if (m === null) throw new Error(`unreadable leg ${leg}`);
        return { stream: Number(m[1]), dir: m[2] === 'c' ? 0 : 1, chunks: Number(m[3]), state: m[4] ?? '' } as TruthLeg;
      }),
    state: r[5] ?? '',
  }));
  const omitted = num(/\.\.\. (\d+) more rows omitted/, msgSection) ?? 0;
  const reports = new Map<string, number>();
  for (const r of tableRows(sectionAfter(text, '## Messages (SEND, by Message-ID)'))) {
    const n = /^(\d+)/.exec(r[4] ?? '');
    if (n !== null) reports.set(unquote(r[0] ?? ''), Number(n[1]));
  }
  const callIds = tableRows(sectionAfter(text, '## SIP')).map((r) => unquote(r[0] ?? ''));
  return {
    connections: num(/TCP streams in file: (\d+)/),
    tls: num(/streams with TLS records: (\d+)/) ?? 0,
    requests: kv(/requests by method: (.*)/.exec(ind)?.[1] ?? ''),
    responses: kv(/responses by status code: (.*)/.exec(ind)?.[1] ?? ''),
    tsharkAgrees: /tshark vs independent\*\*: same request\/response counts/.test(text),
    distinctMessageIds: num(/distinct Message-IDs: (\d+)/, ind) ?? 0,
    states,
    sessions,
    sipDialogs: num(/dialogs \(distinct Call-ID\): (\d+)/) ?? 0,
    callIds,
    messages,
    omitted,
    reports,
    bytesSkipped: num(/bytes skipped while resynchronising: (\d+)/, ind) ?? 0,
  };
}
