/**
 * What the IPv4 and IPv6 parsers (ipv4.ts, ipv6.ts) report. Each parser fills a caller-owned IpInfo (no
 * allocation per packet) and returns an IP_* status. Lengths are checked against the captured bytes; a packet
 * cut by the snaplen is decoded as far as it goes and the missing byte count is kept in `missing`.
 */

export const IP_OK = 0;
/** Not decodable (impossible header): skip, report ip-malformed with `error`. */
export const IP_MALFORMED = 1;
/** A header needed to go on was cut by the snaplen: skip, counted as truncated. */
export const IP_TRUNCATED = 2;
/** Nothing for us (ESP, no next header): skip quietly. */
export const IP_SKIP = 3;

export interface IpInfo {
  version: 4 | 6;
  /** Upper-layer protocol number (after the IPv6 extension chain). */
  proto: number;
  /** Offset of the upper-layer header (for a fragment: of the fragment's data). */
  l4: number;
  /** End of the IP datagram within the captured bytes (trailing link padding excluded). */
  end: number;
  /** Bytes the IP length announces beyond the captured ones (0 unless cut by the snaplen). */
  missing: number;
  srcOff: number;
  dstOff: number;
  fragment: boolean;
  /** Fragment offset in bytes. */
  fragOffset: number;
  fragMore: boolean;
  fragId: number;
  /** Human reason when IP_MALFORMED. */
  error: string;
}

export function newIpInfo(): IpInfo {
  return {
    version: 4,
    proto: 0,
    l4: 0,
    end: 0,
    missing: 0,
    srcOff: 0,
    dstOff: 0,
    fragment: false,
    fragOffset: 0,
    fragMore: false,
    fragId: 0,
    error: '',
  };
}
