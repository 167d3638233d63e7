/**
 * `web_fetch`: GET (or HEAD) one http(s) URL and return its status, content type and body as text —
 * HTML reduced to readable text unless `raw` — within a byte limit and a time limit, following up to 5
 * redirects. Needs `net.fetch:<url>` for the URL and for every redirect target; loopback, private,
 * link-local and other internal addresses are refused unless a grant names the origin (fetch-policy.ts,
 * http-fetch.ts). Only a few request headers may be set. Idempotent: GET and HEAD do not change anything.
 */
import { z } from 'zod';
import { defineTool } from '../tools/tool.ts';
import { fetchCapability, urlProblem } from './fetch-policy.ts';
import { type FetchResponse, fetchChecked } from './http-fetch.ts';
import { htmlToText } from './html-text.ts';
import { cutText, formatBytes } from './text.ts';

export const ALLOWED_HEADERS = ['accept', 'accept-language', 'cache-control', 'if-modified-since', 'if-none-match', 'range', 'user-agent'] as const;
const allowedHeader = (name: string): boolean => (ALLOWED_HEADERS as readonly string[]).includes(name.toLowerCase());
const TEXT_BUDGET = 128 * 1024;
const MAX_REDIRECTS = 5;
const TEXTUAL = /^(text\/|application\/(json|xml|javascript|ecmascript|x-www-form-urlencoded|ld\+json|rss\+xml|atom\+xml|xhtml\+xml)|[a-z]+\/[a-z0-9.+-]*\+(json|xml))/i;

function lowerCased(headers: Record<string, string> | undefined): Record<string, string> {
  return Object.fromEntries(Object.entries(headers ?? {}).map(([name, value]) => [name.toLowerCase(), value]));
}

function charsetOf(contentType: string): string {
  const label = /charset\s*=\s*"?([A-Za-z0-9._:-]+)/i.exec(contentType)?.[1] ?? 'utf-8';
  try {
    return new TextDecoder(label).encoding;
  } catch {
    return 'utf-8';
  }
}

function bodyText(response: FetchResponse, raw: boolean): string {
  const type = response.contentType.toLowerCase();
  if (response.body.length === 0) return '';
  if (type !== '' && !TEXTUAL.test(type)) return `[${formatBytes(response.body.length)} of ${type.split(';')[0] ?? type}: not text, not shown]`;
  const text = new TextDecoder(charsetOf(type)).decode(response.body);
  return !raw && (type.includes('html') || (type === '' && /^\s*<(!doctype html|html)/i.test(text))) ? htmlToText(text) : text;
}

export const webFetchTool = defineTool({
  name: 'web_fetch',
  description:
    'Fetch an http(s) URL (GET or HEAD) and return its status, content type and body as text (HTML is reduced to readable text unless raw). ' +
    'The body is limited to max_bytes and the whole fetch to timeout_ms; up to 5 redirects are followed.',
  input: z.object({
    url: z
      .string()
      .min(1)
      .max(8192)
      .refine((url) => urlProblem(url) === undefined, { message: 'url must be an absolute http(s) URL without credentials' })
      .describe('absolute http or https URL'),
    method: z.enum(['GET', 'HEAD']).default('GET'),
    headers: z
      .record(z.string().max(64), z.string().max(1024).regex(/^[^\r\n]*$/, 'a header value is one line'))
      .refine((headers) => Object.keys(headers).every(allowedHeader), { message: `only these headers may be set: ${ALLOWED_HEADERS.join(', ')}` })
      .optional()
      .describe(`request headers; only ${ALLOWED_HEADERS.join(', ')}`),
    max_bytes: z.number().int().min(1).max(4 * 1024 * 1024).default(512 * 1024).describe('most body bytes read'),
    timeout_ms: z.number().int().min(100).max(60_000).default(15_000).describe('time limit for the whole fetch'),
    raw: z.boolean().default(false).describe('return HTML as it is instead of as text'),
  }),
  capability: ({ url }) => fetchCapability(new URL(url)),
  idempotent: true,
  maxOutputBytes: TEXT_BUDGET + 4096,
  async execute(input, ctx) {
    const response = await fetchChecked(
      ctx.principal,
      {
        url: new URL(input.url),
        method: input.method,
        headers: { 'user-agent': 'Aether-web_fetch/0.1', accept: 'text/html, text/plain, application/json;q=0.9, */*;q=0.5', 'accept-encoding': 'gzip, deflate, br', ...lowerCased(input.headers) },
        maxBytes: input.max_bytes,
        timeoutMs: input.timeout_ms,
        maxRedirects: MAX_REDIRECTS,
      },
      ctx.signal,
    );
    const { text, cut } = cutText(bodyText(response, input.raw), TEXT_BUDGET);
    const notes: string[] = [];
    if (response.cut === 'size') notes.push(`body cut at max_bytes (${input.max_bytes} bytes)`);
    if (response.cut === 'time') notes.push(`body cut: the ${input.timeout_ms} ms time limit passed while it arrived`);
    if (cut) notes.push(`text cut to ${formatBytes(TEXT_BUDGET)}`);
    const head = [
      `URL: ${response.url}`,
      `Status: ${response.status} ${response.statusText}`.trimEnd(),
      `Content-Type: ${response.contentType || '(none)'}`,
      `Body: ${formatBytes(response.body.length)}${response.cut === undefined ? '' : ' (incomplete)'}`,
      ...(response.redirects.length > 0 ? [`Redirected via: ${response.redirects.join(' -> ')}`] : []),
      ...notes.map((n) => `Note: ${n}`),
    ];
    return `${head.join('\n')}\n\n${text}`;
  },
});
