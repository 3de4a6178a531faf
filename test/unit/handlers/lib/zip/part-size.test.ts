import { expect } from 'chai';
import { MAX_PARTS } from '../../../../../contract/s3-limits';
import { archiveSizeBound, partSizeFor } from '../../../../../handlers/lib/zip/part-size';
import { ZipFailedError } from '../../../../../handlers/lib/zip/zip-failure';

const MiB = 1024 * 1024;
const GiB = 1024 * MiB;

describe('partSizeFor', () => {
  it('keeps the part size asked for while the archive fits in 10,000 parts', () => {
    expect(partSizeFor(200 * MiB)).to.equal(8 * MiB);
    expect(partSizeFor(78 * GiB, 8 * MiB)).to.equal(8 * MiB);
    expect(partSizeFor(1 * GiB, 16 * MiB)).to.equal(16 * MiB);
  });

  it('raises it to whole MiB when the archive would need more than 10,000 parts', () => {
    const size = partSizeFor(100 * GiB);
    expect(size % MiB).to.equal(0);
    expect(size * MAX_PARTS).to.be.at.least(100 * GiB);
    expect((size - MiB) * MAX_PARTS).to.be.below(100 * GiB);
  });

  it("refuses parts below S3's 5 MiB minimum and archives beyond 10,000 parts of 5 GiB", () => {
    expect(() => partSizeFor(MiB, 4 * MiB)).to.throw(RangeError);
    expect(() => partSizeFor(MAX_PARTS * 5 * GiB + 1)).to.throw(ZipFailedError);
  });
});

describe('archiveSizeBound', () => {
  it('counts the data, plus room for the headers of each entry', () => {
    const bound = archiveSizeBound([{ name: 'a.txt', size: 10 * MiB }]);
    expect(bound).to.be.above(10 * MiB);
    expect(bound).to.be.below(10 * MiB + 8 * 1024);
  });
});
