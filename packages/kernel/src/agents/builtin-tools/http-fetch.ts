/**
 * The HTTP client under web_fetch. For every hop — the first URL and each redirect — it checks the URL
 * (fetch-policy.ts), resolves the host itself, checks every address it resolves to (address-policy.ts),
 * and connects to the address it checked: the request's `lookup` returns exactly that address, so there
 * is no second resolution between check and connect (no DNS-rebinding window). Redirects are followed up
 * to a limit; the body is read (and decompressed) up to a byte limit; everything runs under one deadline.
 */
import { lookup as dnsLookup } from 'node:dns/promises';
import http from 'node:http';
import https from 'node:https';
import { isIP, type LookupFunction } from 'node:net';
import type { Readable } from 'node:stream';
import zlib from 'node:zlib';
import { KernelError } from '../../contracts/errors.ts';
import type { Principal } from '../../security/principal.ts';
import { specialUse } from './address-policy.ts';
import { checkAddress, checkFetch } from './fetch-policy.ts';

export interface FetchRequest {
  url: URL;
  method: 'GET' | 'HEAD';
  headers: Record<string, string>;
  maxBytes: number;
  timeoutMs: number;
  maxRedirects: number;
}

export interface FetchResponse {
  /** The URL that answered (after redirects). */
  url: string;
  status: number;
  statusText: string;
  contentType: string;
  body: Buffer;
  /** Why the body is incomplete: it reached maxBytes, or the deadline passed while it was arriving. */
  cut?: 'size' | 'time';
  redirects: string[];
}

const REDIRECTS = new Set([301, 302, 303, 307, 308]);

function aborted(signal: AbortSignal): Promise<never> {
  return new Promise((_resolve, reject) => {
    if (signal.aborted) reject(signal.reason as Error);
    signal.addEventListener('abort', () => reject(signal.reason as Error), { once: true });
  });
}

/** The one address this hop connects to, after checking every address the host has. */
async function resolve(principal: Principal, url: URL, signal: AbortSignal): Promise<{ address: string; family: number }> {
  const host = url.hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: { address: string; family: number }[];
  if (isIP(host) !== 0) {
    addresses = [{ address: host, family: isIP(host) }];
  } else {
    try {
      addresses = await Promise.race([dnsLookup(host, { all: true, verbatim: true }), aborted(signal)]);
    } catch (thrown) {
      if (signal.aborted) throw thrown;
      throw new KernelError('not_found', `could not resolve ${host} (${(thrown as NodeJS.ErrnoException).code ?? 'DNS error'})`);
    }
  }
  // Every address is checked, so a host answering with one public and one internal address is refused.
  for (const { address } of addresses) checkAddress(principal, url, address, specialUse(address));
  const first = addresses[0];
  if (first === undefined) throw new KernelError('not_found', `${host} has no addresses`);
  return first;
}

function send(url: URL, target: { address: string; family: number }, request: FetchRequest, method: string, signal: AbortSignal): Promise<http.IncomingMessage> {
  const lookup: LookupFunction = (_hostname, options, callback) => {
    if (options.all === true) callback(null, [target]);
    else callback(null, target.address, target.family);
  };
  const client = url.protocol === 'https:' ? https : http;
  return new Promise((resolveResponse, reject) => {
    const req = client.request(
      { protocol: url.protocol, hostname: url.hostname.replace(/^\[(.*)\]$/, '$1'), port: url.port, path: `${url.pathname}${url.search}`, method, headers: request.headers, agent: false, lookup, signal },
      resolveResponse,
    );
    req.on('error', reject);
    req.end();
  });
}

function decoded(response: http.IncomingMessage): Readable {
  const encoding = (response.headers['content-encoding'] ?? '').trim().toLowerCase();
  if (encoding === 'gzip' || encoding === 'x-gzip') return response.pipe(zlib.createGunzip());
  if (encoding === 'deflate') return response.pipe(zlib.createInflate());
  if (encoding === 'br') return response.pipe(zlib.createBrotliDecompress());
  return response;
}

/** The body, decompressed, up to `maxBytes`; cut short (not failed) by the size limit or the deadline. */
function readBody(response: http.IncomingMessage, maxBytes: number, deadline: AbortSignal): Promise<{ body: Buffer; cut?: 'size' | 'time' }> {
  const stream = decoded(response);
  const chunks: Buffer[] = [];
  let length = 0;
  let settled = false;
  return new Promise((resolveBody, reject) => {
    const settle = (): boolean => {
      if (settled) return false;
      settled = true;
      deadline.removeEventListener('abort', onDeadline);
      response.destroy();
      stream.destroy();
      return true;
    };
    const finish = (cut?: 'size' | 'time'): void => {
      if (!settle()) return;
      const body = Buffer.concat(chunks).subarray(0, maxBytes);
      resolveBody(cut === undefined ? { body } : { body, cut });
    };
    const onDeadline = (): void => finish('time');
    deadline.addEventListener('abort', onDeadline, { once: true });
    stream.on('data', (chunk: Buffer) => {
      chunks.push(chunk);
      length += chunk.length;
      if (length > maxBytes) finish('size');
    });
    stream.on('end', () => finish());
    stream.on('close', () => finish());
    stream.on('error', (error) => {
      if (deadline.aborted) return finish('time');
      if (settle()) reject(new KernelError('payload_invalid', `the response body could not be read: ${error.message}`));
    });
  });
}

/** Fetches `request.url` as `principal`, following checked redirects; `stop` is the tool call's signal. */
export async function fetchChecked(principal: Principal, request: FetchRequest, stop: AbortSignal): Promise<FetchResponse> {
  const signal = AbortSignal.any([stop, AbortSignal.timeout(request.timeoutMs)]);
  const redirects: string[] = [];
  let url = request.url;
  let method: string = request.method;
  try {
    for (;;) {
      checkFetch(principal, url);
      const target = await resolve(principal, url, signal);
      const response = await send(url, target, request, method, signal);
      const status = response.statusCode ?? 0;
      const location = response.headers.location;
      if (REDIRECTS.has(status) && location !== undefined) {
        response.destroy();
        if (redirects.length >= request.maxRedirects) throw new KernelError('resource_exceeded', `more than ${request.maxRedirects} redirects (last to ${location})`);
        url = new URL(location, url);
        redirects.push(url.href);
        if (status === 303) method = 'GET';
        continue;
      }
      if (method === 'HEAD') response.destroy();
      const { body, cut } = method === 'HEAD' ? { body: Buffer.alloc(0), cut: undefined } : await readBody(response, request.maxBytes, signal);
      if (stop.aborted) throw new KernelError('cancelled', 'the fetch was stopped');
      return {
        url: url.href, status, statusText: response.statusMessage ?? '', contentType: response.headers['content-type'] ?? '', body, redirects,
        ...(cut === undefined ? {} : { cut }),
      };
    }
  } catch (thrown) {
    if (thrown instanceof KernelError) throw thrown;
    if (stop.aborted) throw new KernelError('cancelled', 'the fetch was stopped');
    if (signal.aborted) throw new KernelError('timeout', `no response from ${url.host} within ${request.timeoutMs} ms`);
    const code = (thrown as NodeJS.ErrnoException).code;
    throw new KernelError('not_found', `could not fetch ${url.href}: ${code ?? (thrown as Error).message}`);
  }
}
