// The zip benchmark's S3 server, in a process of its own so that its memory is not counted as the
// client's. Prints one JSON line { endpoint, bucket } when ready; stops on SIGTERM or when stdin closes.
import { startEmbeddedS3, startFauxqs, startS3rver } from '../devtools/s3-servers';

async function main(): Promise<void> {
  const kind = process.argv[2];
  if (kind !== 'fauxqs' && kind !== 's3rver' && kind !== 'local') {
    throw new Error('usage: bench-zip-server.ts fauxqs|s3rver|local');
  }
  const s3 =
    kind === 's3rver'
      ? await startS3rver()
      : kind === 'local'
        ? await startEmbeddedS3()
        : await startFauxqs();
  const stop = () => s3.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
