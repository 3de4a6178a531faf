import { expect } from 'chai';
import {
  claimIsValid,
  parseClientKey,
  serverKeyHex,
  startHandshake,
  verifierFor,
} from '../../local/user-pool/srp';
import {
  clientKeyHex,
  newClientKey,
  passwordClaimSignature,
  srpTimestamp,
} from '../../packages/client/auth/srp';
import { passwordExponent } from '../../packages/client/auth/srp-math';

describe('client SRP (BigInt + WebCrypto)', () => {
  it('derives x as the fact sheet gives it (known answer)', async () => {
    const x = await passwordExponent(
      { poolName: 'abc123', userId: 'alice' },
      'Correct-Horse-1',
      '8ce8291892390f6b53a245933faf6164',
    );
    expect(x.toString(16)).to.equal('a7ca3b2b6e53f99881cead92a6de68152008e1e97bfc7fb622d5af9486e72434');
  });

  it('writes TIMESTAMP as `ddd MMM D HH:mm:ss UTC YYYY`, no leading zero on the day', () => {
    expect(srpTimestamp(new Date('2026-11-03T12:04:05Z'))).to.equal('Tue Nov 3 12:04:05 UTC 2026');
    expect(srpTimestamp(new Date('2026-01-25T00:00:09Z'))).to.equal('Sun Jan 25 00:00:09 UTC 2026');
  });

  it('proves the password to the local pool on 20 handshakes in a row, and fails with a wrong one', async () => {
    // Padding slips pass only some handshakes (docs/local-mode.md): many in a row catch them.
    const identity = { poolName: 'Xy12ab', userId: '7d1c4e0a-5b7f-4c3d-9e2f-0a1b2c3d4e5f' };
    let valid = 0;
    for (let i = 0; i < 20; i++) {
      const salt = crypto
        .getRandomValues(new Uint8Array(16))
        .reduce((s, b) => s + b.toString(16).padStart(2, '0'), '');
      const { verifier } = await verifierFor(identity, 'Correct-Horse-1!', salt);
      const key = newClientKey();
      const A = parseClientKey(clientKeyHex(key));
      if (A === undefined) throw new Error('the pool refused SRP_A');
      const handshake = await startHandshake(A, verifier);
      const secretBlock = Buffer.from(crypto.getRandomValues(new Uint8Array(48)));
      const challenge = {
        SALT: salt,
        SRP_B: serverKeyHex(handshake),
        SECRET_BLOCK: secretBlock.toString('base64'),
      };
      const timestamp = srpTimestamp(new Date());
      const password = i === 19 ? 'Wrong-Horse-1!' : 'Correct-Horse-1!';
      const signature = await passwordClaimSignature(identity, password, key, challenge, timestamp);
      if (await claimIsValid(identity, verifier, handshake, { secretBlock, timestamp, signature })) valid++;
    }
    expect(valid).to.equal(19);
  });
});
