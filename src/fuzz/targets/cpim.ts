/** CPIM (RFC 3862) envelope decoding: damaged message/cpim bodies, as complete bodies and as previews. */
import { decodeCpim } from '../../model/cpim.js';
import { Checker } from '../check.js';
import { mutate } from '../mutate.js';
import type { Rng } from '../rng.js';
import { streamsOf, type SeedPool } from '../seeds.js';
import type { FuzzTarget } from '../target.js';

function cpimSeeds(pool: SeedPool): Buffer[] {
  const out = [...(pool.streams.get('cpim') ?? [])];
  // CPIM bodies inside the captured MSRP streams: from a `From:` after a blank line up to the end-line.
  for (const s of streamsOf(pool, 'msrp').slice(0, 50)) {
    let at = s.indexOf('message/cpim');
    while (at >= 0 && out.length < 200) {
      const body = s.indexOf('\r\n\r\n', at);
      if (body < 0) break;
      const end = s.indexOf('\r\n-------', body + 4);
      out.push(s.subarray(body + 4, end < 0 ? Math.min(s.length, body + 2048) : end));
      at = s.indexOf('message/cpim', body);
    }
  }
  return out;
}

export const cpimTarget: FuzzTarget = {
  name: 'cpim',
  description: 'decodeCpim: damaged message/cpim bodies, complete and cut',
  generate(rng: Rng, pool: SeedPool) {
    const seeds = cpimSeeds(pool);
    if (seeds.length === 0 || rng.chance(0.05)) return rng.bytes(rng.smallLength(2048));
    return mutate(rng.pick(seeds), rng, 6);
  },
  run(input: Buffer, rng: Rng) {
    const check = new Checker();
    const env = decodeCpim(input, true);
    decodeCpim(input.subarray(0, rng.int(input.length + 1)), false);
    if (env !== undefined) {
      check.expect(env.headers.length <= 64, `${env.headers.length} envelope headers kept`);
      for (const h of env.headers) check.expect(h.value.length <= 1024, `header value of ${h.value.length} characters kept`);
    }
    // Without its lists (a model that keeps no previews), the same single values.
    const single = decodeCpim(input, true, false);
    check.expect((single === undefined) === (env === undefined), 'decoded with lists and not without them, or the reverse');
    if (env !== undefined && single !== undefined) {
      for (const k of ['from', 'dateTime', 'imdnMessageId', 'imdnDisposition', 'contentType', 'bodyTruncated'] as const) {
        check.expect(single[k] === env[k], `${k} differs without the lists`);
      }
      check.expect(single.body.equals(env.body), 'body differs without the lists');
    }
    return check.finish();
  },
};
