import { MAX_PART_BYTES, MAX_PARTS, MIN_PART_BYTES } from '../../../../contract/s3-limits';
import { deflatedSizeBound } from '../format/deflate-bound';
import {
  centralRecordSize,
  dataDescriptorSize,
  endRecordsSize,
  localHeaderSize,
  needsZip64,
} from '../format/zip-records';
import { ZipFailedError } from '../zip-failure';

/**
 * How an entry's bytes reach the archive: `copy` — S3 copies them (UploadPartCopy), but for a head that
 * fills the part before; `buffer` — read whole into memory (small files), CRC-32 computed before the
 * header, deflated when that is asked for and makes it smaller; `stream` — read through the worker,
 * deflated as it streams when its type deflates well (`deflatesWhileStreaming`), else stored; CRC-32 and
 * sizes in a data descriptor after the data.
 */
export type EntryMode = 'copy' | 'buffer' | 'stream';

/** What decides an entry's mode. */
export interface ModeInput {
  readonly name: string;
  readonly size: number;
  /** Its CRC-32 as S3 keeps it, if known: then it may be copied. */
  readonly crc?: number;
  /** Its type deflates well (the engine's `compress`): then it is deflated if it streams. */
  readonly compress?: boolean;
}

/**
 * Whether an entry that streams is deflated as it streams: when its type deflates well, unless deflate's
 * worst case could take its data past 4 GiB while the file itself is under it (its records are sized
 * for 32-bit sizes before a byte is read): such a file, of 4,095.0–4,096 MiB, is stored.
 */
export function deflatesWhileStreaming(input: Pick<ModeInput, 'size' | 'compress'>): boolean {
  const zip64 = (size: number) => needsZip64({ size, offset: 0, forceZip64: false });
  return input.compress === true && zip64(deflatedSizeBound(input.size)) === zip64(input.size);
}

export interface PlanSettings {
  /** Parts the worker uploads: filled up to about this size. */
  readonly partSize: number;
  /** Ranges copied in one UploadPartCopy. */
  readonly copyPartSize: number;
  /** Files from this size with a known CRC-32 are copied; smaller ones are read whole. */
  readonly copyFrom: number;
  readonly forceZip64: boolean;
}

/** Copies need parts of their own: with thousands of large files, the plan exceeds S3's 10,000 parts. */
export class TooManyPartsError extends ZipFailedError {
  constructor() {
    super('input', 'The archive would need more than 10,000 parts: select fewer files.');
  }
}

/**
 * How each entry reaches the archive, decided from sizes and CRC-32s alone, before any byte is read (the
 * reads ahead depend on it): a file from `copyFrom` on with a CRC-32 is copied if what follows its
 * largest possible head is still a part of 5 MiB; a file with a CRC-32 or under `copyFrom` is read whole;
 * the rest streams. When the copies could need more than S3's 10,000 parts (see `partsBound`), nothing is
 * copied and every file passes through the worker, in parts sized to fit, as the streaming engine does.
 */
export function entryModes(inputs: readonly ModeInput[], settings: PlanSettings): EntryMode[] {
  const modes = inputs.map((input) => modeOf(input, settings));
  if (partsBound(inputs, modes, settings) <= MAX_PARTS) return modes;
  const withoutCopies = inputs.map(({ crc: _, ...input }) => modeOf(input, settings));
  if (partsBound(inputs, withoutCopies, settings) > MAX_PARTS) throw new TooManyPartsError();
  return withoutCopies;
}

function modeOf(input: ModeInput, { copyFrom, forceZip64 }: PlanSettings): EntryMode {
  if (input.crc === undefined) return input.size < copyFrom ? 'buffer' : 'stream';
  const copied = input.size >= copyFrom && input.size - maxHead(input, forceZip64) >= MIN_PART_BYTES;
  return copied ? 'copy' : 'buffer';
}

/** The longest head a copied file can need: its part holds nothing but its local header before it. */
export function maxHead(input: Pick<ModeInput, 'name' | 'size'>, forceZip64: boolean): number {
  const name = Buffer.from(input.name, 'utf8');
  return MIN_PART_BYTES - localHeaderSize({ name, size: input.size, crcInHeader: true, forceZip64 });
}

/**
 * An upper bound of the parts `CopyLayout` makes for these modes, whatever the entries' deflated sizes.
 * Between two copied files (a _gap_), every part the worker uploads but the gap's last is at least
 * `partSize` (the layout closes a part early only before a copied file's first range, or at the end), so
 * a gap of G bytes takes at most ⌊G / partSize⌋ + 1 parts. G is at most its bytes with every head at
 * its largest, every record at its ZIP64 size, a file read whole at its stored size (it is deflated only
 * when that makes it smaller) and a file deflated as it streams at zlib's deflateBound of its size
 * (`deflatedSizeBound`: deflate may grow data that does not shrink, by about 5 bytes per 16 KiB). A
 * copied file's ranges are fewest with the longest head and never more than for the whole file.
 */
export function partsBound(
  inputs: readonly ModeInput[],
  modes: readonly EntryMode[],
  { partSize, copyPartSize, forceZip64 }: PlanSettings,
): number {
  let parts = 0;
  let gap = 0;
  let directory = endRecordsSize({ entries: inputs.length, offset: 0, size: 0, forceZip64: true });
  inputs.forEach((input, index) => {
    const name = Buffer.from(input.name, 'utf8');
    const crcInHeader = modes[index] !== 'stream';
    const atMost = { name, size: input.size, offset: 0, forceZip64: true, crcInHeader };
    gap += localHeaderSize({ ...atMost, forceZip64 });
    directory += centralRecordSize(atMost);
    if (modes[index] === 'copy') {
      gap += maxHead(input, forceZip64);
      parts += Math.floor(gap / partSize) + 1 + copyRanges(0, input.size, copyPartSize).length;
      gap = 0;
    } else {
      const deflated = modes[index] === 'stream' && deflatesWhileStreaming(input);
      gap += (deflated ? deflatedSizeBound(input.size) : input.size) + dataDescriptorSize(atMost);
    }
  });
  return parts + Math.floor((gap + directory) / partSize) + 1;
}

/**
 * [start, size) in ranges of about `rangeSize`, none under S3's 5 MiB minimum (a short last range joins
 * the one before) nor over its 5 GiB maximum.
 */
export function copyRanges(start: number, size: number, rangeSize: number): [number, number][] {
  const length = size - start;
  const count = Math.max(1, Math.ceil(length / Math.min(rangeSize, MAX_PART_BYTES)));
  let ranges = count;
  while (ranges > 1 && length / ranges < MIN_PART_BYTES + ranges) ranges--;
  const each = Math.ceil(length / ranges);
  const result: [number, number][] = [];
  for (let at = start; at < size; at += each) result.push([at, Math.min(size, at + each)]);
  return result;
}
