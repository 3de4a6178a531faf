/** An open multipart upload's two helper routes: fresh part URLs, and the parts S3 already holds. */
import type { ApiCall } from '../api';

export interface PartUrls {
  readonly parts: readonly { readonly partNumber: number; readonly url: string }[];
  readonly expiresAt: string;
}

export interface HeldPart {
  readonly partNumber: number;
  readonly size: number;
  readonly etag: string;
}

export function signParts(
  api: ApiCall,
  key: string,
  uploadId: string,
  partNumbers: readonly number[],
  signal?: AbortSignal,
): Promise<PartUrls> {
  return api<PartUrls>({
    method: 'POST',
    path: '/uploads/parts',
    json: { key, uploadId, partNumbers },
    signal,
  });
}

export async function heldParts(api: ApiCall, key: string, uploadId: string, signal?: AbortSignal) {
  return api<{ parts: HeldPart[]; partSize: number }>({
    method: 'GET',
    path: '/uploads',
    query: { key, uploadId },
    signal,
  });
}
