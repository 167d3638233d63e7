/**
 * web_fetch against a local HTTP server on 127.0.0.1 (the only address these tests contact): a grant
 * naming the server's origin reaches it, a broad `net.fetch` does not; loopback in its other spellings,
 * private, link-local and unspecified addresses are refused before any connection; redirects are checked
 * hop by hop and bounded; the body is bounded in bytes and time; HTML comes back as text; only
 * allowlisted headers may be set and credentials never travel in URLs.
 */
import assert from 'node:assert/strict';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { gzipSync } from 'node:zlib';
import type { Principal } from '../../security/principal.ts';
import { startToolKit, type ToolKit } from './tool-test-kit.ts';
import { webFetchTool } from './web-fetch.ts';

const HTML = '<!doctype html><html><head><title>Hi</title><style>p{color:red}</style><script>alert("x")</script></head>' +
  '<body><h1>Heading</h1><p>One &amp; two</p><ul><li>first</li><li>second</li></ul><!-- hidden --></body></html>';

function route(req: http.IncomingMessage, res: http.ServerResponse): void {
  const url = new URL(req.url ?? '/', 'http://local');
  switch (url.pathname) {
    case '/hello':
      return void res.writeHead(200, { 'content-type': 'text/plain; charset=utf-8' }).end('hello world');
    case '/page':
      return void res.writeHead(200, { 'content-type': 'text/html' }).end(HTML);
    case '/big':
      return void res.writeHead(200, { 'content-type': 'text/plain' }).end('x'.repeat(100_000));
    case '/gzip':
      return void res.writeHead(200, { 'content-type': 'text/plain', 'content-encoding': 'gzip' }).end(gzipSync('unzipped text'));
    case '/binary':
      return void res.writeHead(200, { 'content-type': 'image/png' }).end(Buffer.from([0x89, 0x50, 0x4e, 0x47]));
    case '/headers':
      return void res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify(req.headers));
    case '/redirect':
      return void res.writeHead(302, { location: url.searchParams.get('to') ?? '/hello' }).end();
    case '/loop':
      return void res.writeHead(302, { location: '/loop' }).end();
    case '/trickle':
      res.writeHead(200, { 'content-type': 'text/plain' });
      res.write('first part;');
      return; // and nothing more
    case '/hang':
      return; // never answers
    default:
      res.writeHead(404, { 'content-type': 'text/plain' }).end('no such page');
  }
}

let kit: ToolKit;
let server: http.Server;
let origin: string;
let granted: Principal;
let broad: Principal;
let none: Principal;

before(async () => {
  kit = await startToolKit();
  server = http.createServer(route);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  granted = kit.agent('granted', [`net.fetch:${origin}/**`]);
  broad = kit.agent('broad', ['net.fetch']);
  none = kit.agent('none', ['fs.read:/home/alice/**']);
});
after(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await kit.dispose();
});

const fetchAs = (principal: Principal, args: Record<string, unknown>) => kit.call(webFetchTool, args, principal);

void describe('web_fetch reaches what a grant names', () => {
  void it('fetches from 127.0.0.1 with a grant naming that origin', async () => {
    const result = await fetchAs(granted, { url: `${origin}/hello?x=1` });
    assert.equal(result.text, [`URL: ${origin}/hello?x=1`, 'Status: 200 OK', 'Content-Type: text/plain; charset=utf-8', 'Body: 11 B', '', 'hello world'].join('\n'));
  });

  void it('needs net.fetch for the URL', async () => {
    const result = await fetchAs(none, { url: `${origin}/hello` });
    assert.equal(result.code, 'permission_denied');
    assert.match(result.text, new RegExp(`lacks net\\.fetch:${origin.replaceAll('.', '\\.')}/hello`));
  });

  void it('reduces HTML to text, or returns it raw', async () => {
    const text = await fetchAs(granted, { url: `${origin}/page` });
    assert.match(text.text, /\n\nHi\n\nHeading\n\nOne & two\n\n- first\n- second$/);
    assert.doesNotMatch(text.text, /alert|color:red|hidden/);
    const raw = await fetchAs(granted, { url: `${origin}/page`, raw: true });
    assert.ok(raw.text.endsWith(HTML));
  });

  void it('decompresses, names binary bodies, answers HEAD and non-2xx statuses', async () => {
    assert.match((await fetchAs(granted, { url: `${origin}/gzip` })).text, /\n\nunzipped text$/);
    assert.match((await fetchAs(granted, { url: `${origin}/binary` })).text, /\n\n\[4 B of image\/png: not text, not shown\]$/);
    const head = await fetchAs(granted, { url: `${origin}/hello`, method: 'HEAD' });
    assert.match(head.text, /Status: 200 OK\n.*\nBody: 0 B\n\n$/);
    assert.match((await fetchAs(granted, { url: `${origin}/nope` })).text, /^URL: .*\nStatus: 404 Not Found\n[\s\S]*no such page$/);
  });

  void it('sends allowlisted headers and refuses others', async () => {
    const sent = await fetchAs(granted, { url: `${origin}/headers`, headers: { Accept: 'application/json', 'accept-language': 'fr' } });
    const echoed = JSON.parse(sent.text.split('\n\n')[1] ?? '{}') as Record<string, string>;
    assert.equal(echoed.accept, 'application/json');
    assert.equal(echoed['accept-language'], 'fr');
    assert.equal(echoed['user-agent'], 'Aether-web_fetch/0.1');
    const refused = await fetchAs(granted, { url: `${origin}/headers`, headers: { authorization: 'Bearer x' } });
    assert.equal(refused.code, 'payload_invalid');
    assert.match(refused.text, /only these headers may be set/);
  });

  void it('refuses credentials in URLs and schemes other than http(s)', async () => {
    for (const url of [`http://user:pw@127.0.0.1:1/`, 'ftp://127.0.0.1/', 'file:///etc/passwd', 'not a url']) {
      const result = await fetchAs(broad, { url });
      assert.equal(result.code, 'payload_invalid', url);
      assert.match(result.text, /url must be an absolute http\(s\) URL without credentials/);
    }
  });
});

void describe('web_fetch refuses internal addresses without a grant naming them', () => {
  void it('refuses 127.0.0.1 under a broad net.fetch, saying which grant would allow it', async () => {
    const result = await fetchAs(broad, { url: `${origin}/hello` });
    assert.equal(result.code, 'permission_denied');
    assert.match(result.text, new RegExp(`127\\.0\\.0\\.1 is 127\\.0\\.0\\.1, a loopback address.*net\\.fetch:${origin.replaceAll('.', '\\.')}/\\*\\*`));
  });

  void it('refuses loopback, private, link-local and unspecified addresses however they are spelled', async () => {
    const cases: [string, RegExp][] = [
      ['http://0x7f.1/', /127\.0\.0\.1, a loopback address/],
      ['http://2130706433/', /a loopback address/],
      ['http://0177.0.0.1/', /a loopback address/],
      ['http://[::ffff:127.0.0.1]/', /a loopback \(IPv4 inside IPv6\) address/],
      ['http://[::1]/', /a loopback address/],
      ['http://localhost/', /localhost is (127\.0\.0\.1|::1), a loopback address/],
      ['http://0.0.0.0/', /unspecified/],
      ['http://[::]/', /unspecified/],
      ['http://10.1.2.3/', /a private address/],
      ['http://192.168.0.1/', /a private address/],
      ['http://169.254.169.254/latest/meta-data/', /a link-local address/],
      ['http://[fe80::1]/', /a link-local address/],
      ['http://[fd00::1]/', /private \(unique local\)/],
      ['http://224.0.0.1/', /a multicast address/],
      ['http://[64:ff9b::7f00:1]/', /loopback \(IPv4 inside IPv6\)/],
    ];
    for (const [url, reason] of cases) {
      const result = await fetchAs(broad, { url });
      assert.equal(result.code, 'permission_denied', url);
      assert.match(result.text, /refused to fetch/, url);
      assert.match(result.text, reason, url);
    }
  });

  void it('checks every redirect: a hop to loopback is refused, one the agent may not fetch is denied', async () => {
    const both = kit.agent('both', [`net.fetch:${origin}/**`, 'net.fetch']);
    const port = new URL(origin).port;
    const toLocalhost = await fetchAs(both, { url: `${origin}/redirect?to=http://localhost:${port}/hello` });
    assert.equal(toLocalhost.code, 'permission_denied');
    assert.match(toLocalhost.text, /refused to fetch http:\/\/localhost:\d+: localhost is .*loopback/);
    const toV6 = await fetchAs(both, { url: `${origin}/redirect?to=http://[::1]:${port}/hello` });
    assert.match(toV6.text, /refused to fetch http:\/\/\[::1\]/);
    const ungranted = await fetchAs(granted, { url: `${origin}/redirect?to=http://localhost:${port}/hello` });
    assert.match(ungranted.text, new RegExp(`lacks net\\.fetch:http://localhost:${port}/hello`));
    const same = await fetchAs(granted, { url: `${origin}/redirect?to=/hello` });
    assert.match(same.text, new RegExp(`^URL: ${origin.replaceAll('.', '\\.')}/hello\n[\\s\\S]*Redirected via: .*/hello[\\s\\S]*hello world$`));
  });

  void it('stops after 5 redirects', async () => {
    const result = await fetchAs(granted, { url: `${origin}/loop` });
    assert.equal(result.code, 'resource_exceeded');
    assert.match(result.text, /more than 5 redirects/);
  });
});

void describe('web_fetch limits', () => {
  void it('cuts the body at max_bytes', async () => {
    const result = await fetchAs(granted, { url: `${origin}/big`, max_bytes: 1000 });
    assert.match(result.text, /\nBody: 1000 B \(incomplete\)\nNote: body cut at max_bytes \(1000 bytes\)\n\nx{1000}$/);
  });

  void it('gives up on a server that does not answer in time', async () => {
    const result = await fetchAs(granted, { url: `${origin}/hang`, timeout_ms: 200 });
    assert.equal(result.code, 'timeout');
    assert.match(result.text, /no response from 127\.0\.0\.1:\d+ within 200 ms/);
  });

  void it('returns what arrived when the time runs out mid-body', async () => {
    const result = await fetchAs(granted, { url: `${origin}/trickle`, timeout_ms: 300 });
    assert.match(result.text, /Note: body cut: the 300 ms time limit passed while it arrived\n\nfirst part;$/);
  });

  void it('bounds its arguments', async () => {
    assert.equal((await fetchAs(granted, { url: `${origin}/big`, max_bytes: 0 })).code, 'payload_invalid');
    assert.equal((await fetchAs(granted, { url: `${origin}/big`, timeout_ms: 600_000 })).code, 'payload_invalid');
    assert.equal((await fetchAs(granted, { url: `${origin}/big`, method: 'POST' })).code, 'payload_invalid');
    assert.equal(webFetchTool.idempotent, true);
  });
});
