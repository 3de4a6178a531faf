import { expect } from 'chai';
import { checkCode, newCode, type StoredCode } from '../../../../local/user-pool/one-time-code';

describe('one-time codes (reset and e-mail codes)', () => {
  const now = 1_000_000;
  const HOUR = 60 * 60 * 1000;
  const other = (code: string) => (code === '000000' ? '111111' : '000000');

  it('makes a 6-digit code whose store keeps only a hash, an expiry and 5 guesses', () => {
    const { code, stored } = newCode(now, HOUR);
    expect(code).to.match(/^\d{6}$/);
    expect(stored.hash)
      .to.match(/^[0-9a-f]{64}$/)
      .and.not.contain(code);
    expect(stored).to.include({ expiresAt: now + HOUR, attemptsLeft: 5 });
  });

  it('accepts the code until it expires, then never', () => {
    const { code, stored } = newCode(now, HOUR);
    expect(checkCode(stored, code, now + HOUR - 1)).to.deep.equal({ outcome: 'valid' });
    expect(checkCode(stored, code, now + HOUR)).to.deep.equal({ outcome: 'expired' });
    expect(checkCode(undefined, code, now)).to.deep.equal({ outcome: 'expired' });
  });

  it('spends one guess per wrong code, and refuses even the right one once none is left', () => {
    const { code, stored } = newCode(now, HOUR);
    let left: StoredCode = stored;
    for (let guess = 5; guess > 0; guess--) {
      const check = checkCode(left, other(code), now);
      if (check.outcome !== 'mismatch') expect.fail(`guess ${guess}: ${check.outcome}`);
      expect(check.spent.attemptsLeft).to.equal(guess - 1);
      left = check.spent;
    }
    expect(checkCode(left, code, now)).to.deep.equal({ outcome: 'expired' });
  });
});
