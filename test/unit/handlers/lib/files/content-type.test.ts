import { expect } from 'chai';
import fc from 'fast-check';
import { DEFAULT_CONTENT_TYPE } from '../../../../../contract/content-type';
import { contentTypeField, storedContentType } from '../../../../../handlers/lib/files/content-type';
import { BadRequestError } from '../../../../../handlers/lib/http/errors';

// One media-type grammar behind two doors: PUT /file's Content-Type header (storedContentType) and
// POST /uploads' contentType field (contentTypeField). Each case goes through both.
describe('media types (content-type.ts)', () => {
  const wellFormed = [
    'image/png',
    'text/plain; charset=utf-8',
    'text/plain;charset=UTF-8',
    'application/vnd.api+json',
    'application/vnd.openxmlformats-officedocument.wordprocessingml.document',
    'multipart/form-data; boundary="a b:c"',
    'a/b;x="y z"',
    'application/octet-stream',
    'image/svg+xml',
  ];
  const malformed = [
    'png',
    'image/',
    '/png',
    'image/png\r\nX-Evil: 1',
    'text/plain; charset',
    'text/plain; a="unterminated',
    'image/pñg',
    'image/png; a=b;',
    `a/${'b'.repeat(300)}`,
  ];

  it('keeps a well-formed media type exactly as given, parameters included', () => {
    for (const type of wellFormed) {
      expect(storedContentType(type), type).to.equal(type);
      expect(contentTypeField(type), type).to.equal(type);
    }
  });

  it('refuses junk, header injection, non-ASCII and oversize values', () => {
    for (const type of malformed) {
      expect(() => storedContentType(type), type).to.throw(BadRequestError);
      expect(() => contentTypeField(type), type).to.throw(BadRequestError);
    }
  });

  it('Content-Type header: falls back to application/octet-stream when absent or blank', () => {
    expect(storedContentType(undefined)).to.equal(DEFAULT_CONTENT_TYPE);
    expect(storedContentType('  ')).to.equal(DEFAULT_CONTENT_TYPE);
  });

  it('contentType field: refuses a value that is not a string', () => {
    for (const value of [undefined, null, 5, ['image/png'], { type: 'image/png' }]) {
      expect(() => contentTypeField(value), JSON.stringify(value)).to.throw(BadRequestError);
    }
  });

  it('accepts only printable ASCII without CR, LF, tab or backslash, of the form type/subtype, at both doors', () => {
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
      'é',
      '\0',
    ];
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
            // The header door refuses it too; it trims first, so a value with outer spaces may pass there.
            return error instanceof BadRequestError && (value.trim() !== value || refusedAsHeader(value));
          }
          return (
            type === value &&
            storedContentType(value) === value &&
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

/** Refused as a Content-Type header; an empty one counts as absent, so it gets the default instead. */
function refusedAsHeader(value: string): boolean {
  if (value === '') return storedContentType(value) === DEFAULT_CONTENT_TYPE;
  try {
    storedContentType(value);
    return false;
  } catch (error) {
    return error instanceof BadRequestError;
  }
}
