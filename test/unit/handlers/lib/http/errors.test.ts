import { expect } from 'chai';
import { errorSummary } from '../../../../../handlers/lib/http/errors';

describe('errorSummary', () => {
  it('keeps only the class and S3 code, never the message that may name keys or buckets', () => {
    const s3Error = Object.assign(
      new Error('Access Denied on arn:aws:s3:::lockbox-prod-files/eu-west-1:x/a'),
      {
        name: 'S3ServiceException',
        Code: 'AccessDenied',
      },
    );
    expect(errorSummary(s3Error)).to.equal('S3ServiceException AccessDenied');
    expect(
      errorSummary(Object.assign(new Error('secret'), { name: 'NoSuchKey', Code: 'NoSuchKey' })),
    ).to.equal('NoSuchKey');
    expect(errorSummary(new TypeError('key eu-west-1:x/a'))).to.equal('TypeError');
    expect(errorSummary('a string with a key')).to.equal('string');
  });
});
