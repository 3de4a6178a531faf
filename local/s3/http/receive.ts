import { createWriteStream } from 'node:fs';
import { rm } from 'node:fs/promises';
import { Writable } from 'node:stream';
import { tempPath } from '../store/files';
import { type ReceivedPayload, receivePayload } from './payload';
import type { S3Request } from './request';

/** S3's limit for one PUT (and one part). */
export const MAX_UPLOAD_SIZE = 5 * 1024 ** 3;

/** Streams the request's payload into a new temp file; on any failure the file is gone. */
export async function receiveToFile(
  request: S3Request,
  maxSize: number,
): Promise<{ path: string; payload: ReceivedPayload }> {
  const path = tempPath(request.storage.tmpDir);
  try {
    const payload = await receivePayload(
      request.req,
      request.payload,
      createWriteStream(path, { flags: 'wx' }),
      maxSize,
      request.idleBodyTimeoutMs,
    );
    return { path, payload };
  } catch (error) {
    await rm(path, { force: true });
    throw error;
  }
}

/** Reads a small request body (an XML document) into memory, checked as any payload. */
export async function receiveText(request: S3Request, maxSize: number): Promise<string> {
  const chunks: Buffer[] = [];
  const sink = new Writable({
    write(chunk: Buffer, _encoding, callback) {
      chunks.push(chunk);
      callback();
    },
  });
  await receivePayload(request.req, request.payload, sink, maxSize, request.idleBodyTimeoutMs);
  return Buffer.concat(chunks).toString('utf8');
}
