import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { Transform, type TransformCallback } from 'node:stream';
import { S3Error } from '../errors';

const EMPTY_SHA256 = createHash('sha256').digest('hex');
const MAX_LINE = 4096;

/** What a signed aws-chunked body is checked against: the seed request's signature and signing key. */
export interface ChunkSigning {
  readonly signingKey: Buffer;
  /** x-amz-date of the seed request. */
  readonly timestamp: string;
  /** `<date>/<region>/s3/aws4_request` */
  readonly scope: string;
  readonly seedSignature: string;
}

const incompleteBody = () =>
  new S3Error(
    400,
    'IncompleteBody',
    'The request body terminated unexpectedly or its chunk framing is malformed',
  );
const signatureMismatch = () =>
  new S3Error(
    403,
    'SignatureDoesNotMatch',
    'The request signature we calculated does not match the signature you provided. Check your key and signing method.',
  );

function sameHex(a: string, b: string): boolean {
  return a.length === b.length && timingSafeEqual(Buffer.from(a), Buffer.from(b));
}

/**
 * Decodes `Content-Encoding: aws-chunked` framing (`<hex size>[;chunk-signature=…]\r\n<data>\r\n … 0\r\n
 * <trailers>\r\n`) into the payload bytes, as they stream. With `signing`, every chunk signature (and the
 * trailer signature) is checked against the chain that starts at the seed signature. The trailing headers
 * (e.g. x-amz-checksum-crc32) are in `trailers` once the stream has ended.
 */
export class AwsChunkedDecoder extends Transform {
  readonly trailers = new Map<string, string>();
  private state: 'size' | 'data' | 'data-end' | 'trailer' | 'done' = 'size';
  private line = Buffer.alloc(0);
  private remaining = 0;
  private chunkSignature = '';
  private previousSignature: string;
  private chunkHash = createHash('sha256');
  private trailerText = '';

  constructor(private readonly signing?: ChunkSigning) {
    super();
    this.previousSignature = signing?.seedSignature ?? '';
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    try {
      this.consume(chunk);
      callback();
    } catch (error) {
      callback(error as Error);
    }
  }

  override _flush(callback: TransformCallback): void {
    if (this.state === 'trailer' && this.line.length === 0) this.finishTrailers();
    callback(this.state === 'done' ? undefined : incompleteBody());
  }

  private consume(input: Buffer): void {
    let offset = 0;
    while (offset < input.length) {
      if (this.state === 'data') {
        const take = Math.min(this.remaining, input.length - offset);
        const data = input.subarray(offset, offset + take);
        if (this.signing) this.chunkHash.update(data);
        this.push(data);
        this.remaining -= take;
        offset += take;
        if (this.remaining === 0) this.state = 'data-end';
        continue;
      }
      if (this.state === 'done') throw incompleteBody();
      const end = input.indexOf(0x0a, offset);
      const piece = input.subarray(offset, end === -1 ? input.length : end + 1);
      this.line = Buffer.concat([this.line, piece]);
      offset += piece.length;
      if (this.line.length > MAX_LINE) throw incompleteBody();
      if (end === -1) return;
      const text = this.line.toString('latin1').replace(/\r?\n$/, '');
      this.line = Buffer.alloc(0);
      this.onLine(text);
    }
  }

  private onLine(text: string): void {
    if (this.state === 'data-end') {
      if (text !== '') throw incompleteBody();
      this.verifyChunk();
      this.state = 'size';
      return;
    }
    if (this.state === 'size') {
      const match = /^([0-9a-fA-F]{1,16})(?:;chunk-signature=([0-9a-f]{64}))?$/.exec(text);
      if (!match || (this.signing && !match[2])) throw incompleteBody();
      this.remaining = Number.parseInt(match[1], 16);
      this.chunkSignature = match[2] ?? '';
      if (this.remaining > 0) {
        this.state = 'data';
      } else {
        this.verifyChunk();
        this.state = 'trailer';
      }
      return;
    }
    // Trailer lines end with an empty line.
    if (text === '') {
      this.finishTrailers();
      return;
    }
    const colon = text.indexOf(':');
    if (colon <= 0) throw incompleteBody();
    const name = text.slice(0, colon).trim().toLowerCase();
    const value = text.slice(colon + 1).trim();
    if (name !== 'x-amz-trailer-signature') this.trailerText += `${name}:${value}\n`;
    this.trailers.set(name, value);
  }

  private verifyChunk(): void {
    if (!this.signing) return;
    const chunkHash = this.chunkHash.digest('hex');
    this.chunkHash = createHash('sha256');
    const expected = this.sign('AWS4-HMAC-SHA256-PAYLOAD', `${EMPTY_SHA256}\n${chunkHash}`);
    if (!sameHex(expected, this.chunkSignature)) throw signatureMismatch();
    this.previousSignature = expected;
  }

  private finishTrailers(): void {
    const trailerSignature = this.trailers.get('x-amz-trailer-signature');
    if (this.signing && trailerSignature !== undefined) {
      const hash = createHash('sha256').update(this.trailerText).digest('hex');
      if (!sameHex(this.sign('AWS4-HMAC-SHA256-TRAILER', hash), trailerSignature)) throw signatureMismatch();
    }
    this.state = 'done';
  }

  private sign(algorithm: string, rest: string): string {
    const { signingKey, timestamp, scope } = this.signing as ChunkSigning;
    const stringToSign = `${algorithm}\n${timestamp}\n${scope}\n${this.previousSignature}\n${rest}`;
    return createHmac('sha256', signingKey).update(stringToSign).digest('hex');
  }
}
