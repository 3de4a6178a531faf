import { expect } from 'chai';
import { DEFAULT_CONTENT_TYPE, storedContentType } from '../../handlers/lib/content-type';
import { BadRequestError } from '../../handlers/lib/errors';

describe('storedContentType', () => {
  it('keeps a well-formed media type, parameters included', () => {
    for (const type of [
      'image/png',
      'text/plain; charset=utf-8',
      'application/vnd.api+json',
      'a/b;x="y z"',
    ]) {
      expect(storedContentType(type)).to.equal(type);
    }
  });

  it('falls back to application/octet-stream when absent or blank', () => {
    expect(storedContentType(undefined)).to.equal(DEFAULT_CONTENT_TYPE);
    expect(storedContentType('  ')).to.equal(DEFAULT_CONTENT_TYPE);
  });

  it('refuses junk, header injection, non-ASCII and oversize values', () => {
    for (const type of [
      'png',
      'image/',
      '/png',
      'image/png\r\nX-Evil: 1',
      'text/plain; charset',
      'text/plain; a="unterminated',
      'image/pñg',
      'image/png; a=b;',
      `a/${'b'.repeat(300)}`,
    ]) {
      expect(() => storedContentType(type), type).to.throw(BadRequestError);
    }
  });
});
