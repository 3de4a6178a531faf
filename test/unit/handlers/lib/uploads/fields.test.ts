import { expect } from 'chai';
import { MAX_PARTS_PER_SIGNING } from '../../../../../contract/request-limits';
import { etagField, partNumbersField, uploadIdField } from '../../../../../handlers/lib/uploads/fields';

describe('uploadIdField', () => {
  it("accepts S3's upload ids, local/s3's (base64url) and other servers' opaque hex or UUID ids", () => {
    for (const id of [
      'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA',
      'exampleJZ3f0mYk8G.Xy_A-b~c==',
      'q3J9xq_Zr-0aB1cD2eF3gH4iJ5kL6mN7',
      '3f1c2d4e5a6b7c8d9e0f1a2b3c4d5e6f',
      '0f8e5c1a-8d1b-4a53-9f0c-2b7f2f3a9e11',
    ]) {
      expect(uploadIdField(id)).to.equal(id);
    }
  });
});

describe('etagField', () => {
  it('takes an ETag with or without quotes and gives it back quoted', () => {
    expect(etagField('0123abc', 'etag')).to.equal('"0123abc"');
    expect(etagField('"0123abc"', 'etag')).to.equal('"0123abc"');
    expect(etagField('"0123abc-3"', 'etag')).to.equal('"0123abc-3"');
  });
});

describe('partNumbersField', () => {
  it('takes 1..MAX_PARTS_PER_SIGNING distinct part numbers, in any order', () => {
    expect(partNumbersField([3, 1, 10000])).to.deep.equal([3, 1, 10000]);
    const most = Array.from({ length: MAX_PARTS_PER_SIGNING }, (_, i) => i + 1);
    expect(partNumbersField(most)).to.deep.equal(most);
  });

  it('refuses none, too many, a repeated or an impossible part number', () => {
    for (const value of [
      [],
      [...Array(MAX_PARTS_PER_SIGNING + 1).keys()].map((i) => i + 1),
      [2, 2],
      [0],
      [10001],
    ]) {
      expect(() => partNumbersField(value), JSON.stringify(value)).to.throw(/partNumbers/);
    }
  });
});
