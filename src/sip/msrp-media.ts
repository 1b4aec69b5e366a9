/** The typed view of an MSRP media description (m=message ... TCP/MSRP | TCP/TLS/MSRP | TCP/WS/MSRP | TCP/WSS/MSRP). */
import {
  parseFileDate,
  parseFileRange,
  parseFileSelector,
  type FileDate,
  type FileRange,
  type FileSelector,
} from './file-selector.js';
import { parseMsrpUri, type MsrpUri } from './msrp-uri.js';
import type { Sdp, SdpAttribute, SdpMedia } from './sdp.js';

export type MsrpTransport = 'tcp' | 'tls' | 'ws' | 'wss';
export type SdpSetup = 'active' | 'passive' | 'actpass' | 'holdconn';
export type SdpDirection = 'sendrecv' | 'sendonly' | 'recvonly' | 'inactive';

export interface SdpFingerprint {
  /** Hash function, lower-cased (e.g. `sha-256`). */
  algorithm: string;
  /** Fingerprint as sent (colon-separated upper-case hex normally). */
  value: string;
}

export interface MsrpMedia {
  transport: MsrpTransport;
  /** The m= proto as sent. */
  proto: string;
  /** m= port (0 = media rejected or disabled). */
  port: number;
  formats: string[];
  /** Connection address: media-level c=, else session-level c=; undefined when neither exists. */
  address: string | undefined;
  /** IP4 / IP6 of that c= line. */
  addrType: string | undefined;
  /** a=path URIs in order (relays first, the endpoint's own URI last). */
  path: string[];
  /** Parsed a=path URIs (undefined entries for URIs that did not parse). */
  pathUris: Array<MsrpUri | undefined>;
  /** Session-id of the last a=path URI (this endpoint's), undefined when absent or unparsable. */
  sessionId: string | undefined;
  acceptTypes: string[];
  acceptWrappedTypes: string[];
  maxSize: number | undefined;
  setup: SdpSetup | undefined;
  /** RFC 6135 a=connection. */
  connection: 'new' | 'existing' | undefined;
  /** RFC 6714 a=msrp-cema present. */
  cema: boolean;
  /** Media-level direction attribute, else the session-level one, else undefined (RFC default: sendrecv). */
  direction: SdpDirection | undefined;
  fingerprint: SdpFingerprint | undefined;
  fileSelector: FileSelector | undefined;
  fileTransferId: string | undefined;
  fileDisposition: string | undefined;
  fileDate: FileDate | undefined;
  fileRange: FileRange | undefined;
  fileIcon: string | undefined;
}

const TRANSPORTS = new Map<string, MsrpTransport>([
  ['tcp/msrp', 'tcp'],
  ['tcp/tls/msrp', 'tls'],
  ['tcp/ws/msrp', 'ws'],
  ['tcp/wss/msrp', 'wss'],
]);
const SETUPS: readonly string[] = ['active', 'passive', 'actpass', 'holdconn'];
const DIRECTIONS: readonly string[] = ['sendrecv', 'sendonly', 'recvonly', 'inactive'];

/** The MSRP transport of an m= proto (case-insensitive), or undefined when it is not an MSRP proto. */
export function msrpTransportOf(proto: string): MsrpTransport | undefined {
  return TRANSPORTS.get(proto.toLowerCase());
}

function find(attrs: readonly SdpAttribute[], name: string): SdpAttribute | undefined {
  for (const a of attrs) if (a[0].toLowerCase() === name) return a;
  return undefined;
}

function directionOf(attrs: readonly SdpAttribute[]): SdpDirection | undefined {
  let dir: SdpDirection | undefined;
  for (const [n] of attrs) {
    const lower = n.toLowerCase();
    if (DIRECTIONS.includes(lower)) dir = lower as SdpDirection;
  }
  return dir;
}

function words(v: string | undefined): string[] {
  if (v === undefined) return [];
  return v.split(/\s+/).filter((w) => w !== '');
}

/** Builds the MSRP view of `media`, or undefined when it is not MSRP. Problems go to `issue`. */
export function msrpMediaOf(
  media: SdpMedia,
  sdp: Sdp,
  issue: (code: string, line: number, detail: string) => void,
): MsrpMedia | undefined {
  const transport = msrpTransportOf(media.proto);
  if (transport === undefined || media.media.toLowerCase() !== 'message') return undefined;
  const at = media.attributes;
  const line = media.line;
  const conn = media.connection ?? sdp.connection;
  const bad = (name: string, value: string | undefined): void =>
    issue('sdp-bad-attribute', line, `m=${media.media} ${media.port}: bad a=${name}:${value ?? ''}`);

  const path = words(find(at, 'path')?.[1]);
  const pathUris = path.map((u) => parseMsrpUri(u));
  if (find(at, 'path') === undefined) issue('sdp-msrp-no-path', line, `m=${media.media} ${media.port} ${media.proto} has no a=path`);
  pathUris.forEach((u, i) => {
    if (u === undefined) issue('sdp-bad-path', line, `a=path entry "${path[i] ?? ''}" is not an MSRP URI`);
  });
  const lastUri = pathUris.length > 0 ? pathUris[pathUris.length - 1] : undefined;

  let maxSize: number | undefined;
  const maxSizeRaw = find(at, 'max-size')?.[1];
  if (maxSizeRaw !== undefined) {
    if (/^\d{1,15}$/.test(maxSizeRaw)) maxSize = Number(maxSizeRaw);
    else bad('max-size', maxSizeRaw);
  }

  let setup: SdpSetup | undefined;
  const setupAttr = find(at, 'setup') ?? find(sdp.attributes, 'setup');
  if (setupAttr !== undefined) {
    const v = (setupAttr[1] ?? '').toLowerCase();
    if (SETUPS.includes(v)) setup = v as SdpSetup;
    else bad('setup', setupAttr[1]);
  }

  let connection: 'new' | 'existing' | undefined;
  const connAttr = find(at, 'connection') ?? find(sdp.attributes, 'connection');
  if (connAttr !== undefined) {
    const v = (connAttr[1] ?? '').toLowerCase();
    if (v === 'new' || v === 'existing') connection = v;
    else bad('connection', connAttr[1]);
  }

  let fingerprint: SdpFingerprint | undefined;
  const fpAttr = find(at, 'fingerprint') ?? find(sdp.attributes, 'fingerprint');
  if (fpAttr !== undefined) {
    const m = /^(\S+)\s+(\S+)$/.exec(fpAttr[1] ?? '');
    if (m) fingerprint = { algorithm: (m[1] as string).toLowerCase(), value: m[2] as string };
    else bad('fingerprint', fpAttr[1]);
  }

  let fileSelector: FileSelector | undefined;
  const fsAttr = find(at, 'file-selector');
  if (fsAttr !== undefined) {
    fileSelector = parseFileSelector(fsAttr[1] ?? '');
    for (const p of fileSelector.problems) issue('sdp-bad-file-selector', line, p);
  }

  let fileRange: FileRange | undefined;
  const frRaw = find(at, 'file-range')?.[1];
  if (frRaw !== undefined) {
    fileRange = parseFileRange(frRaw);
    if (fileRange === undefined) bad('file-range', frRaw);
  }
  const fdRaw = find(at, 'file-date')?.[1];

  return {
    transport,
    proto: media.proto,
    port: media.port,
    formats: media.formats,
    address: conn?.address,
    addrType: conn?.addrType,
    path,
    pathUris,
    sessionId: lastUri?.sessionId,
    acceptTypes: words(find(at, 'accept-types')?.[1]),
    acceptWrappedTypes: words(find(at, 'accept-wrapped-types')?.[1]),
    maxSize,
    setup,
    connection,
    cema: find(at, 'msrp-cema') !== undefined,
    direction: directionOf(at) ?? directionOf(sdp.attributes),
    fingerprint,
    fileSelector,
    fileTransferId: find(at, 'file-transfer-id')?.[1],
    fileDisposition: find(at, 'file-disposition')?.[1],
    fileDate: fdRaw === undefined ? undefined : parseFileDate(fdRaw),
    fileRange,
    fileIcon: find(at, 'file-icon')?.[1],
  };
}
