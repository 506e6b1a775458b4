// Mail framing around patches: an mbox is split on its "From <sender> <date>" separator lines;
// each message gives its Subject/From headers and a body. Quoted-printable bodies are decoded
// only where that keeps every line attributable to an input line (soft line breaks join lines,
// and the joined line keeps the number of its first physical line).
import type { InputLine } from './lines';

export interface Message {
  start: number;           // input line of the message's first line (its From separator, if any)
  subject?: string;
  from?: string;
  body: InputLine[];       // the lines after the header block (all lines when there is none)
}

const MBOX_FROM = /^From \S+\s+\w{3}\s+\w{3}\s+\d{1,2}\s+\d{1,2}:\d{2}(?::\d{2})?\s+(?:\S+\s+)?\d{4}\b/;
const HEADER = /^([A-Za-z][A-Za-z0-9-]*):[ \t]?(.*)$/;

export function isMboxSeparator(text: string): boolean {
  return text.startsWith('From ') && MBOX_FROM.test(text);
}

/** Splits on mbox separators. Text before the first separator is a message of its own. */
export function splitMessages(lines: InputLine[]): Message[] {
  const chunks: InputLine[][] = [];
  let cur: InputLine[] = [];
  for (const l of lines) {
    if (isMboxSeparator(l.text) && cur.length) { chunks.push(cur); cur = []; }
    cur.push(l);
  }
  if (cur.length) chunks.push(cur);
  return chunks.map(readMessage);
}

function readMessage(lines: InputLine[]): Message {
  const msg: Message = { start: lines[0].no, body: lines };
  let i = isMboxSeparator(lines[0].text) ? 1 : 0;
  const headers = new Map<string, string>();
  let last = '';
  const h0 = i;
  for (; i < lines.length; i++) {
    const t = lines[i].text;
    if (t === '') { i++; break; }
    const m = HEADER.exec(t);
    if (m) { last = m[1].toLowerCase(); if (!headers.has(last)) headers.set(last, m[2]); continue; }
    if (/^[ \t]/.test(t) && last) { headers.set(last, headers.get(last)! + ' ' + t.trim()); continue; }
    break;
  }
  // A header block must end in a blank line and name a mail header; otherwise it is body text.
  const isMail = i > h0 && lines[i - 1]?.text === '' &&
    (headers.has('subject') || headers.has('from') || headers.has('date') || headers.has('message-id'));
  if (!isMail) return msg;
  msg.subject = headers.has('subject') ? decodeWords(headers.get('subject')!.trim()) : undefined;
  msg.from = headers.has('from') ? decodeWords(headers.get('from')!.trim()) : undefined;
  let body = lines.slice(i);
  if (/quoted-printable/i.test(headers.get('content-transfer-encoding') ?? '')) body = decodeQuotedPrintable(body);
  readInBodyHeaders(body, msg);
  msg.body = body;
  return msg;
}

/** git am's in-body headers: "From:" / "Subject:" lines opening the body override the mail's. */
function readInBodyHeaders(body: InputLine[], msg: Message): void {
  let i = 0;
  while (i < body.length && body[i].text.trim() === '') i++;
  for (; i < body.length; i++) {
    const m = /^(From|Subject|Date): (.*)$/.exec(body[i].text);
    if (!m) break;
    if (m[1] === 'From') msg.from = decodeWords(m[2].trim());
    if (m[1] === 'Subject') msg.subject = decodeWords(m[2].trim());
  }
}

/** RFC 2047 encoded words (=?utf-8?q?...?= / =?utf-8?b?...?=) in a header value. */
export function decodeWords(value: string): string {
  return value
    .replace(/(=\?[^?\s]+\?[QqBb]\?[^?\s]*\?=)\s+(?==\?)/g, '$1')
    .replace(/=\?([^?\s]+)\?([QqBb])\?([^?\s]*)\?=/g, (all, charset: string, enc: string, data: string) => {
      const cs = charset.toLowerCase().replace(/\*.*$/, '');
      const bufEnc: BufferEncoding | undefined =
        cs === 'utf-8' || cs === 'utf8' || cs === 'us-ascii' ? 'utf8' : cs === 'iso-8859-1' || cs === 'latin1' ? 'latin1' : undefined;
      if (!bufEnc) return all;
      const bytes = enc.toUpperCase() === 'B'
        ? Buffer.from(data, 'base64')
        : qpBytes(data.replace(/_/g, ' '));
      return bytes.toString(bufEnc);
    });
}

function qpBytes(s: string): Buffer {
  const out: number[] = [];
  for (let i = 0; i < s.length; i++) {
    const c = s[i];
    if (c === '=' && /^[0-9A-Fa-f]{2}$/.test(s.slice(i + 1, i + 3))) { out.push(parseInt(s.slice(i + 1, i + 3), 16)); i += 2; }
    else out.push(...Buffer.from(c, 'utf8'));
  }
  return Buffer.from(out);
}

/** Decodes a quoted-printable body line by line; a soft break ("=" at the end) joins the next line. */
export function decodeQuotedPrintable(body: InputLine[]): InputLine[] {
  const out: InputLine[] = [];
  let pending: { raw: string; no: number } | null = null;
  for (const l of body) {
    const raw: string = (pending ? pending.raw : '') + l.text;
    const no: number = pending ? pending.no : l.no;
    if (/=$/.test(l.text.replace(/[ \t]+$/, ''))) { pending = { raw: raw.replace(/[ \t]*=[ \t]*$/, ''), no }; continue; }
    pending = null;
    out.push({ text: qpBytes(raw.replace(/[ \t]+$/, '')).toString('utf8'), no });
  }
  if (pending) out.push({ text: qpBytes(pending.raw).toString('utf8'), no: pending.no });
  return out;
}
