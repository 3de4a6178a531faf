import { expect } from 'chai';
import {
  callerDepsFromEnv,
  uploadDepsFromEnv,
  zipWorkerDepsFromEnv,
} from '../../../../../handlers/lib/wiring/deps';

// BUCKET_KEY_ARN is set only where the bucket has a customer-managed key; a value that is no key's ARN
// fails the function's init, not a caller's request (its sessions would all be refused by STS or S3).
describe('BUCKET_KEY_ARN', () => {
  const saved = process.env.BUCKET_KEY_ARN;
  afterEach(() => {
    if (saved === undefined) delete process.env.BUCKET_KEY_ARN;
    else process.env.BUCKET_KEY_ARN = saved;
  });

  it('is optional: unset or empty, the deps build (no key, no KMS statement)', () => {
    delete process.env.BUCKET_KEY_ARN;
    expect(() => callerDepsFromEnv()).to.not.throw();
    process.env.BUCKET_KEY_ARN = '';
    expect(() => zipWorkerDepsFromEnv()).to.not.throw();
  });

  it("accepts a key's ARN and refuses anything else at init", () => {
    process.env.BUCKET_KEY_ARN =
      'arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab';
    expect(() => uploadDepsFromEnv()).to.not.throw();
    for (const wrong of [
      'alias/lockbox-prod',
      'arn:aws:kms:eu-west-1:111122223333:alias/lockbox-prod',
      'arn:aws:s3:::bucket',
      '1234abcd-12ab-34cd-56ef-1234567890ab',
    ]) {
      process.env.BUCKET_KEY_ARN = wrong;
      expect(() => callerDepsFromEnv(), wrong).to.throw(/BUCKET_KEY_ARN is not a KMS key ARN/);
      expect(() => zipWorkerDepsFromEnv(), wrong).to.throw(/BUCKET_KEY_ARN is not a KMS key ARN/);
    }
  });
});
