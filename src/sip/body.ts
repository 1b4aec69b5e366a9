/** Finding the SDP in a SIP message body: application/sdp, or an application/sdp part of a multipart body. */
import type { SipMessage } from './message.js';
import { parseParams } from './nameaddr.js';

function mediaType(contentType: string): string {
  const semi = contentType.indexOf(';');
  return (semi >= 0 ? contentType.slice(0, semi) : contentType).trim().toLowerCase();
}

function boundaryOf(contentType: string): string | undefined {
  const semi = contentType.indexOf(';');
  if (semi < 0) return undefined;
  for (const [n, v] of parseParams(contentType.slice(semi))) {
    if (n.toLowerCase() === 'boundary' && v !== undefined && v !== '') return v;
  }
  return undefined;
}

/** The application/sdp part of a multipart body, or undefined. Only one level of nesting is searched. */
function sdpInMultipart(text: string, boundary: string): string | undefined {
  const delimiter = `--${boundary}`;
  const parts = text.split(delimiter);
  // parts[0] is the preamble; a part starting with "--" is the close delimiter and what follows it.
  for (let i = 1; i < parts.length; i++) {
    const part = parts[i] as string;
    if (part.startsWith('--')) break;
    const m = /\r?\n\r?\n/.exec(part);
    if (!m) continue;
    const head = part.slice(0, m.index);
    let isSdp = false;
    for (const line of head.split(/\r?\n/)) {
      const colon = line.indexOf(':');
      if (colon < 0) continue;
      if (line.slice(0, colon).trim().toLowerCase() === 'content-type' && mediaType(line.slice(colon + 1)) === 'application/sdp') {
        isSdp = true;
      }
    }
    if (!isSdp) continue;
    // The CRLF before the next delimiter belongs to the delimiter.
    return part.slice(m.index + m[0].length).replace(/\r?\n$/, '');
  }
  return undefined;
}

/** The SDP text carried by a message, or undefined when its body is not (or does not contain) SDP. */
export function sdpTextOf(msg: SipMessage): string | undefined {
  if (msg.body.length === 0 || msg.contentType === undefined) return undefined;
  const type = mediaType(msg.contentType);
  if (type === 'application/sdp') return msg.body.toString('utf8');
  if (type.startsWith('multipart/')) {
    const boundary = boundaryOf(msg.contentType);
    if (boundary === undefined) return undefined;
    return sdpInMultipart(msg.body.toString('utf8'), boundary);
  }
  return undefined;
}
