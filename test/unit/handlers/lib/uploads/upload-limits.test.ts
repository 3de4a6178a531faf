import { expect } from 'chai';
import fc from 'fast-check';
import { MAX_PART_BYTES, MIN_PART_BYTES } from '../../../../../contract/s3-limits';
import { MAX_PARTS_PER_UPLOAD } from '../../../../../contract/settings';
import { planParts, uploadLimitsFromEnv } from '../../../../../handlers/lib/uploads/upload-limits';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('planParts', () => {
  it('cuts any size into full parts and a last part holding the rest, within S3 and response limits', () => {
    fc.assert(
      fc.property(
        fc.integer({ min: 1, max: MAX_PARTS_PER_UPLOAD * MAX_PART_BYTES }),
        fc.integer({ min: MIN_PART_BYTES, max: MAX_PART_BYTES }),
        (size, partBytes) => {
          const { partSize, parts } = planParts(size, partBytes);
          const last = parts[parts.length - 1];
          return (
            partSize >= partBytes &&
            partSize <= MAX_PART_BYTES &&
            parts.length >= 1 &&
            parts.length <= MAX_PARTS_PER_UPLOAD &&
            parts.every((p, i) => p.partNumber === i + 1 && (p === last || p.size === partSize)) &&
            last.size >= 1 &&
            last.size <= partSize &&
            parts.reduce((sum, p) => sum + p.size, 0) === size
          );
        },
      ),
      { numRuns: 1000 },
    );
  });

  it('keeps the configured part size while it fits in 500 parts, then grows it in whole MiB', () => {
    expect(planParts(3 * 16 * MiB - 1, 16 * MiB).parts.map((p) => p.size)).to.deep.equal([
      16 * MiB,
      16 * MiB,
      16 * MiB - 1,
    ]);
    expect(planParts(500 * 16 * MiB, 16 * MiB).partSize).to.equal(16 * MiB);
    expect(planParts(500 * 16 * MiB + 1, 16 * MiB).partSize).to.equal(17 * MiB);
  });
});

describe('uploadLimitsFromEnv', () => {
  const names = ['UPLOAD_MULTIPART_THRESHOLD_BYTES', 'UPLOAD_PART_BYTES', 'UPLOAD_MAX_FILE_BYTES'];
  afterEach(() => {
    for (const name of names) delete process.env[name];
  });

  it('defaults to 16 MiB threshold and parts and a 5 GiB maximum', () => {
    expect(uploadLimitsFromEnv()).to.deep.equal({
      multipartThresholdBytes: 16 * MiB,
      partBytes: 16 * MiB,
      maxFileBytes: 5 * GiB,
    });
  });

  it('fails at cold start on a limit S3 cannot honour', () => {
    for (const [name, value] of [
      ['UPLOAD_PART_BYTES', String(MIN_PART_BYTES - 1)],
      ['UPLOAD_PART_BYTES', String(MAX_PART_BYTES + 1)],
      ['UPLOAD_MULTIPART_THRESHOLD_BYTES', String(5 * GiB + 1)],
      ['UPLOAD_MAX_FILE_BYTES', String(MAX_PARTS_PER_UPLOAD * MAX_PART_BYTES + 1)],
      ['UPLOAD_MAX_FILE_BYTES', '10 GiB'],
    ]) {
      process.env[name] = value;
      expect(() => uploadLimitsFromEnv(), `${name}=${value}`).to.throw(name);
      delete process.env[name];
    }
  });
});
