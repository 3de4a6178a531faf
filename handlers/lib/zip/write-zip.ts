import type { ZipResult } from './contract';
import { type CopyZipOptions, zipByCopy } from './copy/copy-zip';
import { planZip, type ZipStrategy } from './planner';
import { type YazlZipOptions, zipToS3 } from './yazl-stream/yazl-zip';

export type WriteZipOptions = CopyZipOptions & YazlZipOptions;

/**
 * Writes one zip of S3 objects to one S3 object: plans the job once (planner.ts), then writes it with
 * the planned strategy — yazl through lib-storage's Upload, or the copy engine. Both keep the same
 * contract (contract.ts): names, sizes, ZIP64 rule, progress, abort, ETag settlement, typed errors.
 */
export async function writeZip(options: WriteZipOptions): Promise<ZipResult & { strategy: ZipStrategy }> {
  const plan = await planZip(options);
  const result = plan.strategy === 'copy' ? await zipByCopy(options, plan) : await zipToS3(options, plan);
  return { ...result, strategy: plan.strategy };
}
