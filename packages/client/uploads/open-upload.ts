/** An open multipart upload's two helper routes: fresh part URLs, and where the upload stands. */
import type { ApiCall } from '../api.js';
import type { components } from '../api-types.js';

export type SignedParts = components['schemas']['SignedParts'];
export type UploadProgress = components['schemas']['UploadProgress'];

export function signParts(
  api: ApiCall,
  key: string,
  uploadId: string,
  partNumbers: number[],
  signal?: AbortSignal,
): Promise<SignedParts> {
  const json: components['schemas']['SignUploadPartsRequest'] = { key, uploadId, partNumbers };
  return api<SignedParts>({ method: 'POST', path: '/uploads/parts', json, signal });
}

export function uploadProgress(
  api: ApiCall,
  key: string,
  uploadId: string,
  signal?: AbortSignal,
): Promise<UploadProgress> {
  return api<UploadProgress>({ method: 'GET', path: '/uploads', query: { key, uploadId }, signal });
}
