import { expect } from 'chai';
import { verifierFor, verifierMatches } from '../../local/user-pool/srp';
import { hashOf, multiplier, padHex, passwordExponent } from '../../packages/client/auth/srp-math';

describe('user pool SRP', () => {
  it('pads hex as the Cognito clients do: even length, 00 before a set top bit', async () => {
    expect(padHex(0x1n)).to.equal('01');
    expect(padHex(0x7fn)).to.equal('7f');
    expect(padHex(0x80n)).to.equal('0080');
    expect(padHex(0xabcn)).to.equal('0abc');
    expect((await hashOf('')).toString(16)).to.equal(
      'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855',
    );
  });

  it('derives k = H(padHex(N) ‖ padHex(g)) as docs/local-mode.md gives it', async () => {
    expect((await multiplier()).toString(16)).to.equal(
      '538282c4354742d7cbbde2359fcf67f9f5b3a6b08791e5011b43b8a5b66d9ee6',
    );
  });

  it('derives x from pool name, user id, password and the salt read as a number (known answer)', async () => {
    const x = await passwordExponent(
      { poolName: 'abc123', userId: 'alice' },
      'Correct-Horse-1',
      '8ce8291892390f6b53a245933faf6164',
    );
    expect(x.toString(16)).to.equal('a7ca3b2b6e53f99881cead92a6de68152008e1e97bfc7fb622d5af9486e72434');
  });

  it('checks a plain password against a verifier', async () => {
    const identity = { poolName: 'abc123', userId: 'alice' };
    const stored = await verifierFor(identity, 'Correct-Horse-1', '0c');
    expect(await verifierMatches(identity, 'Correct-Horse-1', stored)).to.equal(true);
    expect(await verifierMatches(identity, 'correct-horse-1', stored)).to.equal(false);
  });
});
