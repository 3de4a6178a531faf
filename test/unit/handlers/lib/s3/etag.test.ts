import { createHash } from 'node:crypto';
import { expect } from 'chai';
import { multipartETag } from '../../../../../handlers/lib/s3/etag';

describe('multipartETag', () => {
  it("is the MD5 of the parts' binary MD5s, with the part count", () => {
    const parts = [Buffer.from('first part'), Buffer.from('second part')];
    const md5 = (data: Buffer) => createHash('md5').update(data).digest();
    const expected = createHash('md5')
      .update(Buffer.concat(parts.map(md5)))
      .digest('hex');
    expect(multipartETag(parts.map((p) => `"${md5(p).toString('hex')}"`))).to.equal(`"${expected}-2"`);
  });
});
