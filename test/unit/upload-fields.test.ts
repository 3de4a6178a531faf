import { expect } from 'chai';
import fc from 'fast-check';
import { contentTypeField } from '../../handlers/lib/content-type';
import { BadRequestError } from '../../handlers/lib/errors';
import { etagField } from '../../handlers/lib/etag';
import { uploadIdField } from '../../handlers/lib/upload-id';

describe('contentTypeField', () => {
  const fragments = [
    'text',
    '/',
    'plain',
    ';',
    ' ',
    'charset',
    '=',
    '"',
    'utf-8',
    '\r\n',
    '\t',
    '\\',
    '\u00e9',
    '\0',
  ];

  it('keeps real MIME types exactly as given', () => {
    for (const type of [
      'image/png',
      'text/plain; charset=utf-8',
      'text/plain;charset=UTF-8',
      'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
      'multipart/form-data; boundary="a b:c"',
      'application/octet-stream',
      'image/svg+xml',
    ]) {
      expect(contentTypeField(type)).to.equal(type);
    }
  });

  it('accepts only printable ASCII without CR, LF, tab or backslash, of the form type/subtype', () => {
    fc.assert(
      fc.property(
        fc.oneof(
          fc.string({ unit: 'binary-ascii', maxLength: 40 }),
          fc.string({ unit: fc.constantFrom(...fragments), maxLength: 8 }),
        ),
        (value) => {
          let type: string;
          try {
            type = contentTypeField(value);
          } catch (error) {
            return error instanceof BadRequestError;
          }
          return (
            type === value &&
            /^[^/;\s]+\/[^/;\s]+(;|$)/.test(type) &&
            /^[\x20-\x7e]+$/.test(type) &&
            !type.includes('\\')
          );
        },
      ),
      { numRuns: 2000 },
    );
  });
});

describe('uploadIdField', () => {
  it("accepts S3's, s3rver's and fauxqs's upload ids", () => {
    for (const id of [
      'VXBsb2FkIElEIGZvciA2aWWpbmcncyBteS1tb3ZpZS5tMnRzIHVwbG9hZA',
      'exampleJZ3f0mYk8G.Xy_A-b~c==',
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
