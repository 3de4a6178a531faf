import { createHash } from 'node:crypto';
import type { IncomingHttpHeaders, IncomingMessage } from 'node:http';
import { PassThrough, Transform, type TransformCallback, type Writable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { entityTooLarge, invalidArgument, notImplemented, requestTimeout, S3Error } from '../errors';
import {
  algorithmOfHeader,
  type Checksum,
  type ChecksumAlgorithm,
  headerOfAlgorithm,
  newChecksum,
} from '../store/checksums';
import { AwsChunkedDecoder, type ChunkSigning } from './aws-chunked';

/** How the payload of one request is framed and what it must match, from its headers and its auth. */
export interface PayloadSpec {
  /** A hex SHA-256 the bytes must hash to (header auth with a signed payload hash). */
  readonly sha256?: string;
  readonly chunked: boolean;
  /** For STREAMING-AWS4-HMAC-SHA256-PAYLOAD(-TRAILER): the chain every chunk signature must continue. */
  readonly chunkSigning?: ChunkSigning;
  /** The payload size the client declared (x-amz-decoded-content-length for chunked bodies). */
  readonly declaredLength?: number;
  readonly contentMd5?: string;
  /** The extra checksum asked for (header or trailer), besides the CRC32 every object gets. */
  readonly checksum?: {
    readonly algorithm: ChecksumAlgorithm;
    readonly expected?: string;
    readonly inTrailer: boolean;
  };
}

/** What was received: the payload's size and digests. */
export interface ReceivedPayload {
  readonly size: number;
  readonly md5: Buffer;
  /** Base64 checksums: CRC32 always, plus the one the client sent, if any. */
  readonly checksums: Partial<Record<ChecksumAlgorithm, string>>;
}

const STREAMING_SIGNED = new Set([
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD',
  'STREAMING-AWS4-HMAC-SHA256-PAYLOAD-TRAILER',
]);
const STREAMING_UNSIGNED = 'STREAMING-UNSIGNED-PAYLOAD-TRAILER';
/** x-amz-checksum-* headers that ask for something rather than carry a checksum. */
const NOT_CHECKSUMS = new Set(['x-amz-checksum-algorithm', 'x-amz-checksum-type', 'x-amz-checksum-mode']);

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const value = headers[name];
  return Array.isArray(value) ? value.join(',') : value;
}

function lengthHeader(headers: IncomingHttpHeaders, name: string): number | undefined {
  const value = header(headers, name);
  if (value === undefined) return undefined;
  if (!/^\d{1,16}$/.test(value)) throw invalidArgument(`Invalid ${name}`, name, value);
  return Number(value);
}

/**
 * Reads the payload rules off the headers. `contentSha256` is x-amz-content-sha256 as signed (header
 * auth) or undefined (presigned URL: the payload is unsigned); `chunkSigning` is given by the auth step
 * for signed streaming bodies.
 */
export function payloadSpec(
  headers: IncomingHttpHeaders,
  contentSha256: string | undefined,
  chunkSigning?: ChunkSigning,
): PayloadSpec {
  const chunked = contentSha256 === STREAMING_UNSIGNED || STREAMING_SIGNED.has(contentSha256 ?? '');
  if (contentSha256?.startsWith('STREAMING-') && !chunked)
    throw notImplemented(`x-amz-content-sha256 ${contentSha256}`);
  let sha256: string | undefined;
  if (contentSha256 !== undefined && !chunked && contentSha256 !== 'UNSIGNED-PAYLOAD') {
    if (!/^[0-9a-f]{64}$/.test(contentSha256)) {
      throw new S3Error(
        400,
        'InvalidArgument',
        'x-amz-content-sha256 must be UNSIGNED-PAYLOAD, STREAMING-… or a hex SHA-256',
      );
    }
    sha256 = contentSha256;
  }
  const declaredLength = chunked
    ? lengthHeader(headers, 'x-amz-decoded-content-length')
    : lengthHeader(headers, 'content-length');
  if (chunked && declaredLength === undefined) {
    throw new S3Error(411, 'MissingContentLength', 'You must provide the Content-Length HTTP header.');
  }
  return {
    sha256,
    chunked,
    chunkSigning: chunked && contentSha256 !== STREAMING_UNSIGNED ? chunkSigning : undefined,
    declaredLength,
    contentMd5: header(headers, 'content-md5'),
    checksum: requestedChecksum(headers, chunked),
  };
}

function requestedChecksum(headers: IncomingHttpHeaders, chunked: boolean): PayloadSpec['checksum'] {
  const trailer = header(headers, 'x-amz-trailer')?.trim().toLowerCase();
  if (trailer) {
    const algorithm = algorithmOfHeader(trailer);
    if (!algorithm || !chunked) throw notImplemented(`x-amz-trailer ${trailer}`);
    return { algorithm, inTrailer: true };
  }
  for (const name of Object.keys(headers)) {
    if (!name.startsWith('x-amz-checksum-') || NOT_CHECKSUMS.has(name)) continue;
    const algorithm = algorithmOfHeader(name);
    if (!algorithm) throw notImplemented(`checksum header ${name}`);
    return { algorithm, expected: header(headers, name), inTrailer: false };
  }
  return undefined;
}

/** Counts and digests the bytes that pass, refusing more than `maxSize`. */
class PayloadMeter extends Transform {
  size = 0;
  readonly md5 = createHash('md5');
  readonly sha256?: ReturnType<typeof createHash>;
  readonly crc32 = newChecksum('CRC32');
  readonly extra?: Checksum;

  constructor(
    spec: PayloadSpec,
    private readonly maxSize: number,
  ) {
    super();
    if (spec.sha256) this.sha256 = createHash('sha256');
    if (spec.checksum && spec.checksum.algorithm !== 'CRC32')
      this.extra = newChecksum(spec.checksum.algorithm);
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, callback: TransformCallback): void {
    this.size += chunk.length;
    if (this.size > this.maxSize) {
      callback(entityTooLarge(this.maxSize));
      return;
    }
    this.md5.update(chunk);
    this.sha256?.update(chunk);
    this.crc32.update(chunk);
    this.extra?.update(chunk);
    callback(null, chunk);
  }
}

const badDigest = (what: string) =>
  new S3Error(400, 'BadDigest', `The ${what} you specified did not match the calculated checksum.`);

/**
 * Streams the request's payload into `sink` (decoding aws-chunked framing), then checks it against
 * everything the client declared or signed: SHA-256, chunk signatures, length, Content-MD5, checksums.
 * Throws an S3Error on any mismatch; the caller then discards what `sink` received.
 */
export async function receivePayload(
  req: IncomingMessage,
  spec: PayloadSpec,
  sink: Writable,
  maxSize: number,
  idleTimeoutMs: number,
): Promise<ReceivedPayload> {
  if (spec.declaredLength !== undefined && spec.declaredLength > maxSize) throw entityTooLarge(maxSize);
  const meter = new PayloadMeter(spec, maxSize);
  const decoder = spec.chunked ? new AwsChunkedDecoder(spec.chunkSigning) : undefined;
  // Not pipeline(req, …): that would destroy the request, and the socket with it, on a mismatch found
  // mid-body, and the client would see a reset instead of S3's error. The caller closes the connection.
  const source = new PassThrough();
  const onClose = () => {
    if (!req.complete) source.destroy(new Error('The client closed the request before its body ended'));
  };
  // As S3 (after about 20 s): a body that stops arriving is cut, so a stalled client cannot hold a
  // connection and a temp file for ever.
  let idle: NodeJS.Timeout | undefined;
  const restartIdleTimer = () => {
    clearTimeout(idle);
    idle = setTimeout(() => source.destroy(requestTimeout()), idleTimeoutMs);
  };
  req.once('close', onClose);
  req.on('data', restartIdleTimer);
  restartIdleTimer();
  req.pipe(source);
  try {
    await (decoder ? pipeline(source, decoder, meter, sink) : pipeline(source, meter, sink));
  } finally {
    clearTimeout(idle);
    req.unpipe(source);
    req.off('close', onClose);
    req.off('data', restartIdleTimer);
  }

  if (spec.sha256 && meter.sha256?.digest('hex') !== spec.sha256) {
    throw new S3Error(
      400,
      'XAmzContentSHA256Mismatch',
      "The provided 'x-amz-content-sha256' header does not match what was computed.",
    );
  }
  if (spec.declaredLength !== undefined && meter.size !== spec.declaredLength) {
    throw new S3Error(
      400,
      'IncompleteBody',
      'You did not provide the number of bytes specified by the Content-Length HTTP header',
    );
  }
  const md5 = meter.md5.digest();
  if (spec.contentMd5 !== undefined && spec.contentMd5 !== md5.toString('base64'))
    throw badDigest('Content-MD5');

  const checksums: ReceivedPayload['checksums'] = { CRC32: meter.crc32.digest() };
  if (spec.checksum) {
    const { algorithm, inTrailer } = spec.checksum;
    if (meter.extra) checksums[algorithm] = meter.extra.digest();
    const expected = inTrailer ? decoder?.trailers.get(headerOfAlgorithm(algorithm)) : spec.checksum.expected;
    if (expected === undefined) throw invalidArgument(`The ${algorithm} trailer is missing`);
    if (expected !== checksums[algorithm]) throw badDigest(algorithm);
  }
  return { size: meter.size, md5, checksums };
}
