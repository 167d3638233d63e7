import { test } from 'node:test';
import assert from 'node:assert/strict';
import { isKernelError } from '../contracts/errors.ts';
import { formatCapability, implies, parseCapability } from './capability.ts';

function rejects(text: string, reason: RegExp): void {
  assert.throws(
    () => parseCapability(text),
    (error: unknown) => isKernelError(error, 'payload_invalid') && reason.test(error.message),
    `${text} should be rejected with ${reason}`,
  );
}

function scopeOf(text: string): string | undefined {
  return parseCapability(text).scope;
}

void test('parses domain, action and scope', () => {
  assert.deepEqual(parseCapability('fs.read:/home/alice/**'), { domain: 'fs', action: 'read', scope: '/home/alice/**' });
  assert.deepEqual(parseCapability('vm.net'), { domain: 'vm', action: 'net' });
  assert.deepEqual(parseCapability('*.*'), { domain: '*', action: '*' });
  assert.deepEqual(parseCapability('ai.generate:anthropic/*'), { domain: 'ai', action: 'generate', scope: 'anthropic/*' });
  assert.deepEqual(parseCapability('topic.subscribe:vfs:write'), { domain: 'topic', action: 'subscribe', scope: 'vfs:write' });
});

void test('formatting a parsed capability gives its canonical text, which parses to itself', () => {
  for (const text of ['fs.read:/home//a/./b/', 'net.fetch:HTTPS://API.github.com:443/a b/**', 'fs.write:/tmp/100%25', 'vm.spawn:wasi', 'agent.*']) {
    const once = formatCapability(parseCapability(text));
    assert.equal(formatCapability(parseCapability(once)), once);
  }
});

void test('every-scope spellings are one capability', () => {
  assert.equal(formatCapability(parseCapability('fs.read:*')), 'fs.read');
  assert.equal(formatCapability(parseCapability('fs.read:**')), 'fs.read');
  assert.equal(formatCapability(parseCapability('*.*:*')), '*.*');
});

void test('path scopes collapse //, /./ and trailing slashes and resolve ..', () => {
  assert.equal(scopeOf('fs.read:/home//alice/./notes/'), '/home/alice/notes');
  assert.equal(scopeOf('fs.read:/home/alice/x/../y.md'), '/home/alice/y.md');
  assert.equal(scopeOf('vfs.write:/a/%2e%2E/b'), '/b');
  assert.equal(scopeOf('fs.read:/home/%7Ealice/**'), '/home/~alice/**');
  assert.equal(scopeOf('fs.read:/'), '/');
  assert.equal(scopeOf('fs.read:/tmp/100%25'), '/tmp/100%25');
});

void test('net scopes are normalised by the URL rules then the path rules', () => {
  assert.equal(scopeOf('net.fetch:HTTPS://API.GitHub.com:443/repos/'), 'https://api.github.com/repos');
  assert.equal(scopeOf('net.fetch:http://example.com:80'), 'http://example.com/');
  assert.equal(scopeOf('net.fetch:https://example.com:8443/a/./b//c'), 'https://example.com:8443/a/b/c');
  assert.equal(scopeOf('net.fetch:https://example.com/search?q=1#top'), 'https://example.com/search');
  assert.equal(scopeOf('net.fetch:https://example.com/a%20b/**'), 'https://example.com/a%20b/**');
});

void test('malformed capabilities are refused with a message saying what is wrong', () => {
  rejects('', /expected <domain>\.<action>/);
  rejects('fs', /no "\." between domain and action/);
  rejects('Fs.read', /domain "Fs" must match/);
  rejects('fs.re-ad', /action "re-ad" must match/);
  rejects('fs.read.all', /action "read\.all" must match/);
  rejects('fs.read:', /scope after ":" is empty/);
  rejects(`fs.read:/${'a'.repeat(9000)}`, /longer than/);
  rejects('*.*:/home', /wildcard domain cannot carry a scope/);
});

void test('path scopes that are relative, climb above / or hide structure in encodings are refused', () => {
  rejects('fs.read:home/alice', /must be absolute/);
  rejects('fs.read:/home/../..', /climbs above/);
  rejects('fs.read:/../etc/passwd', /climbs above/);
  rejects('fs.read:/a/%2e%2e/%2e%2e/etc', /climbs above/);
  rejects('fs.read:/home/%252e%252e/x', /double percent-encoding/);
  rejects('fs.read:/home/a%2Fb', /encoded "\/"/);
  rejects('fs.read:/home/%2a', /encoded "\*"/);
  rejects('fs.read:/home/%zz', /malformed percent-encoding/);
  rejects('fs.read:/home/%ff', /valid UTF-8/);
  rejects('fs.read:/home/a%00', /control characters/);
  rejects('fs.read:/home\\a', /control characters and "\\"/);
});

void test('wildcards are allowed only in the last path segment', () => {
  rejects('fs.read:/home/*/notes', /only allowed in the last path segment/);
  rejects('fs.read:/home/**/x.md', /only allowed in the last path segment/);
  rejects('fs.read:/home/*/..', /only allowed in the last path segment/);
  rejects('fs.read:/home/a**', /must be a whole path segment/);
  assert.equal(scopeOf('fs.read:/home/a/*.md'), '/home/a/*.md');
});

void test('net scopes refuse other schemes, credentials, host wildcards and a missing host', () => {
  rejects('net.fetch:ftp://example.com/', /scheme "ftp"/);
  rejects('net.fetch:https://user:pw@example.com/', /credentials/);
  rejects('net.fetch:https://*.example.com/', /not the host/);
  rejects('net.fetch:https:///x', /host is missing/);
  rejects('net.fetch:example.com/x', /expected <scheme>:\/\//);
  rejects('net.fetch:https://example.com/../x', /climbs above/);
  rejects('net.fetch:https://exa mple.com/', /not a valid host/);
});

void test('name and topic scopes allow only a trailing *', () => {
  rejects('ai.generate:anthropic/*-opus', /only allowed at the end/);
  rejects('ai.generate:anthropic/../openai', /"\." and "\.\." are not allowed/);
  rejects('agent.spawn:a//b', /empty name parts/);
  rejects('agent.spawn:two words', /may contain letters/);
  rejects('topic.subscribe:vm/*', /a topic may contain/);
  assert.equal(scopeOf('ai.generate:ollama/llama3.1:8b'), 'ollama/llama3.1:8b');
});

function imp(held: string, wanted: string): boolean {
  return implies(parseCapability(held), parseCapability(wanted));
}

void test('a tree grant implies paths and trees below it, but not siblings sharing a prefix or its parent', () => {
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/a/x/**'), true);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/a/x.md'), true);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/a'), true);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/a/*.md'), true);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/ab'), false);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/**'), false);
  assert.equal(imp('fs.read:/home/a/**', 'fs.read:/home/a/../b'), false);
  assert.equal(imp('fs.read:/**', 'fs.read:/etc/passwd'), true);
});

void test('a segment glob implies names in its own directory only', () => {
  assert.equal(imp('fs.read:/d/*.md', 'fs.read:/d/x.md'), true);
  assert.equal(imp('fs.read:/d/*.md', 'fs.read:/d/.hidden.md'), true);
  assert.equal(imp('fs.read:/d/*.md', 'fs.read:/d/sub/x.md'), false);
  assert.equal(imp('fs.read:/d/*.md', 'fs.read:/d/x.txt'), false);
  assert.equal(imp('fs.read:/d/*', 'fs.read:/d/a*.md'), true);
  assert.equal(imp('fs.read:/d/*.md', 'fs.read:/d/*'), false);
  assert.equal(imp('fs.read:/d/*', 'fs.read:/d/**'), false);
  assert.equal(imp('fs.read:/d/*', 'fs.read:/d'), false);
});

void test('an exact grant implies only itself', () => {
  assert.equal(imp('fs.read:/a/b', 'fs.read:/a//b/'), true);
  assert.equal(imp('fs.read:/a/b', 'fs.read:/a/b/c'), false);
  assert.equal(imp('fs.read:/a/b', 'fs.read:/a/*'), false);
});

void test('domain and action wildcards imply across domains and actions; *.* implies everything', () => {
  assert.equal(imp('*.*', 'fs.write:/etc/shadow'), true);
  assert.equal(imp('*.*', '*.*'), true);
  assert.equal(imp('fs.*:/home/a/**', 'fs.write:/home/a/x'), true);
  assert.equal(imp('fs.*:/home/a/**', 'vfs.write:/home/a/x'), false);
  assert.equal(imp('*.read', 'fs.read:/x'), true);
  assert.equal(imp('fs.read', 'fs.*'), false);
  assert.equal(imp('fs.*', '*.*'), false);
});

void test('a scope-less requirement is met only by a scope-less or every-scope grant', () => {
  assert.equal(imp('vm.net', 'vm.net'), true);
  assert.equal(imp('vm.net:*', 'vm.net'), true);
  assert.equal(imp('fs.read:/**', 'fs.read'), true);
  assert.equal(imp('vm.net:host', 'vm.net'), false);
  assert.equal(imp('fs.read:/home/**', 'fs.read'), false);
  assert.equal(imp('vm.spawn', 'vm.spawn:sandbox'), true);
});

void test('net grants match same origin and path rules', () => {
  assert.equal(imp('net.fetch:https://api.github.com/**', 'net.fetch:https://API.github.com:443/repos/x'), true);
  assert.equal(imp('net.fetch:https://api.github.com/**', 'net.fetch:http://api.github.com/repos/x'), false);
  assert.equal(imp('net.fetch:https://api.github.com/**', 'net.fetch:https://api.github.com.evil.com/x'), false);
  assert.equal(imp('net.fetch:https://api.github.com/repos/**', 'net.fetch:https://api.github.com/user'), false);
});

void test('name and topic prefixes imply what starts with them', () => {
  assert.equal(imp('ai.generate:anthropic/*', 'ai.generate:anthropic/claude-opus'), true);
  assert.equal(imp('ai.generate:anthropic/*', 'ai.generate:anthropic/claude*'), true);
  assert.equal(imp('ai.generate:anthropic/*', 'ai.generate:openai/gpt'), false);
  assert.equal(imp('ai.generate:anthropic/claude', 'ai.generate:anthropic/*'), false);
  assert.equal(imp('topic.subscribe:vm.*', 'topic.subscribe:vm.stdout'), true);
  assert.equal(imp('topic.subscribe:vm.*', 'topic.subscribe:vmx'), false);
  assert.equal(imp('agent.spawn:researcher', 'agent.spawn:Researcher'), false);
});

void test('implies is false for capabilities that do not parse', () => {
  assert.equal(implies({ domain: 'fs', action: 'read', scope: '/a/**' }, { domain: 'fs', action: 'read', scope: '/a/../../x' }), false);
  assert.equal(implies({ domain: 'FS', action: 'read' }, { domain: 'FS', action: 'read' }), false);
});
