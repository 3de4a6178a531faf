import { expect } from 'chai';
import { MAX_PUT_FILE_BYTES } from '../../../../../contract/settings';
import { storeLimitsFromEnv } from '../../../../../handlers/lib/files/store';

describe('storeLimitsFromEnv', () => {
  const saved = process.env.PUT_FILE_MAX_BYTES;
  afterEach(() => {
    if (saved === undefined) delete process.env.PUT_FILE_MAX_BYTES;
    else process.env.PUT_FILE_MAX_BYTES = saved;
  });

  it('defaults to 4 MiB, below what Lambda accepts once API Gateway base64-encodes the body', () => {
    delete process.env.PUT_FILE_MAX_BYTES;
    expect(storeLimitsFromEnv()).to.deep.equal({ maxBytes: 4 * 1024 * 1024 });
    expect(MAX_PUT_FILE_BYTES).to.equal(4 * 1024 * 1024);
  });

  it('reads PUT_FILE_MAX_BYTES', () => {
    process.env.PUT_FILE_MAX_BYTES = '1048576';
    expect(storeLimitsFromEnv()).to.deep.equal({ maxBytes: 1048576 });
  });

  it('fails fast on a value that is not an integer in 1..4 MiB', () => {
    for (const value of ['0', '-1', '1.5', 'lots', String(MAX_PUT_FILE_BYTES + 1)]) {
      process.env.PUT_FILE_MAX_BYTES = value;
      expect(() => storeLimitsFromEnv(), value).to.throw(/PUT_FILE_MAX_BYTES/);
    }
  });
});
