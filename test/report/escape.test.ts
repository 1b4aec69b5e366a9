/** The report's escaping: markup, quotes, ampersands, control characters, and JSON inside a script element. */
import { describe, expect, it } from 'vitest';
import { escapeHtml, jsonForScript } from '../../src/report/escape.js';
import { writeHtmlReport } from '../../src/report/html.js';
import { built, CHAT, clone, EVIL } from '../tui/fixtures.js';

const MARKUP = `<script>alert("x")</script><img src=x onerror='alert(1)'>&amp;`;

describe('escapeHtml', () => {
  it('turns markup, quotes and ampersands into character references', () => {
    expect(escapeHtml(MARKUP)).toBe('&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt;&lt;img src=x onerror=&#39;alert(1)&#39;&gt;&amp;amp;');
    expect(escapeHtml('a & b')).toBe('a &amp; b');
    expect(escapeHtml('"\'')).toBe('&quot;&#39;');
  });

  it('shows control and bidi characters as escapes', () => {
    expect(escapeHtml('a\x00b\x1b[31mc\x7f\x85\u202e\u2028\n\r\t')).toBe('a\\x00b\\x1b[31mc\\x7f\\x85\\u202e\\u2028\\n\\r\\t');
    expect(escapeHtml(EVIL)).not.toMatch(/[\x00-\x1f\x7f-\x9f\u202e\u2066]/);
  });

  it('leaves other text alone', () => {
    expect(escapeHtml('Grüße ↔ 日本語 😀 msrp://h:1/s;tcp')).toBe('Grüße ↔ 日本語 😀 msrp://h:1/s;tcp');
  });
});

describe('jsonForScript', () => {
  it('cannot close the script element or start a comment, and parses back to the same value', () => {
    const value = { s: `</script><script>x</script><!-- ${MARKUP} \u2028\u2029 & >` };
    const text = jsonForScript(value);
    expect(text).not.toMatch(/[<>&\u2028\u2029]/);
    expect(JSON.parse(text)).toEqual(value);
  });
});

describe('report of a crafted document', () => {
  it('writes every capture string escaped: no markup from the capture', async () => {
    const doc = clone((await built(CHAT)).doc);
    doc.capture.files = [`cap${MARKUP}${EVIL}.pcap`];
    const m = doc.messages[0]!;
    m.messageId = MARKUP;
    m.contentType = `text/${MARKUP}`;
    m.preview = `</script><script>alert(1)</script>\u2028${MARKUP}`;
    doc.sessions[0]!.endpoints[0].uri = `msrp://${MARKUP}/x;tcp`;
    doc.diagnostics.push({ code: 'resync', severity: 'warning', frame: 1, connection: 0, detail: MARKUP });
    let html = '';
    writeHtmlReport(doc, (s) => (html += s));
    // The only elements: ours. No <img>, one executable script, data scripts that cannot be closed early.
    expect(html).not.toMatch(/<img/i);
    expect(html).not.toMatch(/<script>alert/);
    const scripts = [...html.matchAll(/<script([^>]*)>/g)].map((x) => x[1]);
    expect(scripts.filter((a) => a === '')).toHaveLength(1);
    expect(scripts.every((a) => a === '' || /^ type="application\/json" id="[a-z0-9-]+"$/.test(a ?? ''))).toBe(true);
    expect(html.match(/<\/script>/g)?.length).toBe(scripts.length);
    expect(html).not.toMatch(/[\x00-\x08\x0b\x0c\x0e-\x1f\x7f\u2028\u2029]/);
    // The crafted strings are still there, as text.
    expect(html).toContain('cap&lt;script&gt;alert(&quot;x&quot;)');
    expect(html).toContain('\\x1b]0;pwned');
    // Only links to this page, nothing loaded (the page's own script aside, whose source has an href template).
    const markup = html.replace(/<script>[\s\S]*?<\/script>/, '');
    for (const [, href] of markup.matchAll(/href="([^"]*)"/g)) expect(href).toMatch(/^#[a-z]+(-[0-9]+)?$/);
    expect(markup).not.toMatch(/<[a-zA-Z][^<>]*\ssrc=/);
    expect(html).toMatch(/<meta http-equiv="Content-Security-Policy" content="default-src &#39;none&#39;; script-src &#39;sha256-/);
  });
});
