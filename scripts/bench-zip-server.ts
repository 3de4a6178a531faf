// The zip benchmark's S3 server (local/s3, on disk), in a process of its own so that its memory is not
// counted as the client's. Prints one JSON line { endpoint, bucket } when ready; stops on SIGTERM or when
// stdin closes.
import { startS3Server } from '../devtools/local-s3';

async function main(): Promise<void> {
  const s3 = await startS3Server();
  const stop = () => s3.stop().finally(() => process.exit(0));
  process.once('SIGTERM', stop);
  process.stdin.on('end', stop).resume();
  process.stdout.write(`${JSON.stringify({ endpoint: s3.endpoint, bucket: s3.bucket })}\n`);
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
