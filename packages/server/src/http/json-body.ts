/**
 * The JSON body parser of the REST routes: an empty body is an empty payload, a body nesting deeper than
 * any contract needs is refused before parsing (see json-depth.ts), anything else is JSON.parse'd.
 * (`__proto__` keys from JSON.parse are plain own properties; the kernel validates the rest.)
 */
import type { FastifyInstance } from 'fastify';
import { MAX_JSON_DEPTH, nestsDeeperThan } from '../transport/json-depth.ts';

class BadBody extends Error {
  readonly statusCode = 400;
}

export function registerJsonBody(app: FastifyInstance): void {
  app.removeContentTypeParser('application/json');
  app.addContentTypeParser('application/json', { parseAs: 'buffer' }, (_request, body: Buffer, done) => {
    if (body.length === 0) return done(null, undefined);
    if (nestsDeeperThan(body)) return done(new BadBody(`the body nests deeper than ${MAX_JSON_DEPTH} levels`), undefined);
    try {
      done(null, JSON.parse(body.toString('utf8')));
    } catch {
      done(new BadBody('the body is not valid JSON'), undefined);
    }
  });
}
