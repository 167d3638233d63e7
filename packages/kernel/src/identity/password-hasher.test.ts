import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isKernelError } from '../contracts/errors.ts';
import { PasswordHasher } from './password-hasher.ts';
import { acceptNewPassword, PASSWORD_MAX_LENGTH } from './password-policy.ts';

const hasher = new PasswordHasher();

void describe('password hashing', () => {
  void it('stores scrypt N=2^15, r=8, p=1 with a 16-byte salt and a 64-byte key, never the password', async () => {
    const hash = await hasher.hash('correct horse battery');
    const match = /^\$scrypt\$ln=15,r=8,p=1\$([^$]+)\$([^$]+)$/.exec(hash);
    assert.ok(match, hash);
    assert.equal(Buffer.from(match[1] ?? '', 'base64').length, 16);
    assert.equal(Buffer.from(match[2] ?? '', 'base64').length, 64);
    assert.ok(!hash.includes('horse'));
    assert.notEqual(await hasher.hash('correct horse battery'), hash, 'a fresh salt every time');
  });

  void it('verifies the right password and refuses a wrong one', async () => {
    const hash = await hasher.hash('correct horse battery');
    assert.equal(await hasher.verify('correct horse battery', hash), true);
    assert.equal(await hasher.verify('correct horse batterz', hash), false);
    assert.equal(await hasher.verifyDummy('correct horse battery'), false);
  });

  void it('matches nothing against a malformed or out-of-range stored hash', async () => {
    assert.equal(await hasher.verify('x', 'plaintext'), false);
    assert.equal(await hasher.verify('x', '$scrypt$ln=30,r=8,p=1$AAAAAAAAAAAAAAAAAAAAAA==$AAAA'), false);
  });

  void it('says when a stored hash is weaker than the current parameters', async () => {
    const hash = await hasher.hash('correct horse battery');
    assert.equal(hasher.needsRehash(hash), false);
    assert.equal(new PasswordHasher({ params: { logN: 16, r: 8, p: 1 } }).needsRehash(hash), true);
    assert.equal(hasher.needsRehash('garbage'), true);
  });

  void it('refuses parameters below the floor', () => {
    assert.throws(() => new PasswordHasher({ params: { logN: 14, r: 8, p: 1 } }), TypeError);
    assert.throws(() => new PasswordHasher({ params: { logN: 15, r: 4, p: 1 } }), TypeError);
  });
});

void describe('password policy', () => {
  const refused = (password: string, user = 'alice'): boolean => {
    try {
      acceptNewPassword(password, user);
      return false;
    } catch (error) {
      assert.ok(isKernelError(error, 'payload_invalid'));
      return true;
    }
  };

  void it('refuses 11 characters and accepts 12', () => {
    assert.equal(refused('a'.repeat(11)), true);
    assert.equal(refused('a'.repeat(12)), false);
  });

  void it('counts characters, not UTF-16 units or bytes', () => {
    assert.equal(refused('🔑'.repeat(11)), true, '11 emoji are 22 UTF-16 units but 11 characters');
    assert.equal(refused('🔑'.repeat(12)), false);
  });

  void it(`accepts ${PASSWORD_MAX_LENGTH} characters and refuses more`, () => {
    assert.equal(refused('a'.repeat(PASSWORD_MAX_LENGTH)), false);
    assert.equal(refused('a'.repeat(PASSWORD_MAX_LENGTH + 1)), true);
  });

  void it('refuses the user name as the password', () => {
    assert.equal(refused('Alice.Example', 'alice.example'), true);
  });

  void it('normalises to NFKC so the same password typed differently is the same', () => {
    assert.equal(acceptNewPassword('ﬁnal password!', 'alice'), 'final password!');
  });
});
