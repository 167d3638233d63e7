/**
 * What a failed attempt means: 429 and 5xx and timeouts retry (a 429 with the wait the provider asked for),
 * rejections and malformed answers move to the fallback, a cancelled call stops; retry-after is read in
 * every form providers send it.
 */
import assert from 'node:assert/strict';
import { test } from 'node:test';
import { APICallError, JSONParseError } from 'ai';
import { classifyFailure, MalformedStreamError, retryAfter } from './model-failure.ts';

const context = { model: 'openai/x', timedOut: false, cancelled: false };
const apiError = (statusCode: number | undefined, responseHeaders: Record<string, string> = {}) =>
  new APICallError({ message: 'm', url: 'u', requestBodyValues: {}, statusCode, responseHeaders, isRetryable: true });

test('retry-after in milliseconds, seconds and as an HTTP date', () => {
  const now = () => Date.parse('2026-01-01T00:00:00Z');
  assert.equal(retryAfter({ 'retry-after-ms': '1500' }), 1500);
  assert.equal(retryAfter({ 'Retry-After': '3' }), 3000);
  assert.equal(retryAfter({ 'retry-after': '0.5' }), 500);
  assert.equal(retryAfter({ 'retry-after': 'Thu, 01 Jan 2026 00:00:10 GMT' }, now), 10_000);
  assert.equal(retryAfter({ 'retry-after': 'soon' }), undefined);
  assert.equal(retryAfter({}), undefined);
});

test('429 retries as rate_limited with the provider-requested wait', () => {
  const failure = classifyFailure(apiError(429, { 'retry-after': '7' }), context);
  assert.equal(failure.action, 'retry');
  assert.equal(failure.error.code, 'rate_limited');
  assert.equal(failure.retryAfterMs, 7000);
});

test('5xx, 408 and unreachable servers retry; 504 and 408 are timeouts', () => {
  for (const status of [500, 502, 503, 529, 409, undefined]) assert.equal(classifyFailure(apiError(status), context).action, 'retry');
  assert.equal(classifyFailure(apiError(504), context).error.code, 'timeout');
  assert.equal(classifyFailure(apiError(408), context).error.code, 'timeout');
});

test('rejections go to the fallback with a code that says why, without the provider body', () => {
  assert.equal(classifyFailure(apiError(400), context).error.code, 'payload_invalid');
  assert.equal(classifyFailure(apiError(404), context).error.code, 'not_found');
  const auth = classifyFailure(apiError(401), context);
  assert.equal(auth.action, 'fallback');
  assert.match(auth.error.message, /credentials/);
});

test('malformed streams, timeouts and cancellation', () => {
  const parse = classifyFailure(new JSONParseError({ text: '{', cause: new SyntaxError('x') }), context);
  assert.deepEqual([parse.action, parse.error.details?.reason], ['fallback', 'malformed']);
  assert.equal(classifyFailure(new MalformedStreamError('cut'), context).error.details?.reason, 'malformed');
  assert.deepEqual(
    [classifyFailure(new Error('x'), { ...context, timedOut: true }).error.code, classifyFailure(new Error('x'), { ...context, timedOut: true }).action],
    ['timeout', 'retry'],
  );
  const cancelled = classifyFailure(new Error('x'), { ...context, cancelled: true, timedOut: true });
  assert.deepEqual([cancelled.error.code, cancelled.action], ['cancelled', 'fail']);
});
