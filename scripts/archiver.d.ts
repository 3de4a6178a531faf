// archiver 8 ships no types; this is the part the zip benchmark uses.
declare module 'archiver' {
  import { Transform } from 'node:stream';

  export class ZipArchive extends Transform {
    constructor(options?: { store?: boolean; forceZip64?: boolean });
    append(source: NodeJS.ReadableStream | Buffer | string, data: { name: string }): this;
    finalize(): Promise<void>;
  }
}
