import { randomBytes } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ListMultipartUploadsCommand, PutObjectCommand, type S3Client } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import { adminClient, newSignedInUser, type SignedInUser } from '../../devtools/local-session';
import { type ApiFetch, signedFetch } from '../../devtools/signed-fetch';
import { identityIdOf, userFolder } from '../../handlers/lib/files/keys';
import { keptByUser } from '../../handlers/lib/quotas/reconcile';
import { type LaunchedSystem, launchLocalSystem } from '../../local/launch';
import { localTarget } from '../../scripts/admin/target';

const PASSWORD = 'Correct-Horse-Battery-1!';

/** Waits until `done` answers true, or `limitMs` has passed; the caller then asserts the state. */
async function settle(done: () => Promise<boolean>, limitMs: number): Promise<void> {
  const until = Date.now() + limitMs;
  while (Date.now() < until && !(await done())) await new Promise((resolve) => setTimeout(resolve, 250));
}

/**
 * `npm start` killed with SIGKILL (its whole process group) in the middle of work, then started again on
 * the same data folder: S3's notifications and the workers' invocations come back from the outbox.
 */
describe('local mode after a crash (SIGKILL mid-work, then a restart)', function () {
  this.timeout(300_000);
  let dataDir: string;
  let system: LaunchedSystem;
  let user: SignedInUser;

  const api = (): ApiFetch =>
    signedFetch(system.config.api_url, system.config.region, user.credentials, 'smithy');
  const restart = async () => {
    await system.crash();
    system = await launchLocalSystem({ dataDir });
  };
  const withS3 = async <T>(work: (s3: S3Client, bucket: string) => Promise<T>): Promise<T> => {
    const target = await localTarget(dataDir);
    try {
      return await work(target.s3, target.config.bucket_name);
    } finally {
      target.close();
    }
  };

  before(async () => {
    dataDir = await mkdtemp(join(tmpdir(), 'lockbox-crash-'));
    system = await launchLocalSystem({ dataDir });
    const cognito = adminClient(system.config, system.admin);
    user = await newSignedInUser(cognito, system.config, 'crash@example.com', PASSWORD);
    cognito.destroy();
  });
  after(async () => {
    await system?.stop();
    await rm(dataDir, { recursive: true, force: true });
  });

  it('loses no usage event: after the restart settles, usage equals the ListObjectVersions sum', async () => {
    const storedBytes = () =>
      withS3(async (s3, Bucket) => {
        const identityId = identityIdOf(user.identityId);
        return (await keptByUser(s3, Bucket, userFolder(identityId))).get(identityId)?.bytes ?? 0;
      });
    const usageBytes = async () =>
      ((await (await api()({ method: 'GET', path: '/usage' })).json()) as { bytes: number }).bytes;

    // A burst of new files; the process dies once a third of them were answered.
    const count = 60;
    let answered = 0;
    const crashed = new Promise<void>((resolve) => {
      for (let i = 0; i < count; i++) {
        api()({
          method: 'PUT',
          path: '/file',
          query: { key: `burst/${i}.bin` },
          body: randomBytes(20_000 + i),
        })
          .then(() => {
            answered++;
            if (answered === count / 3) resolve();
          })
          .catch(() => {});
      }
    });
    await crashed;
    await restart();

    const stored = await storedBytes();
    expect(stored).to.be.above(0);
    await settle(async () => (await usageBytes()) === stored, 60_000);
    expect(await usageBytes()).to.equal(stored);
  });

  it('ends a zip job interrupted mid-run within a minute of the restart, with its upload aborted and its slot free', async () => {
    // Enough files that the job is still running when the process dies.
    await withS3(async (s3, Bucket) => {
      for (let i = 0; i < 300; i++) {
        await s3.send(
          new PutObjectCommand({
            Bucket,
            Key: `${user.identityId}/zipme/${i}.bin`,
            Body: randomBytes(1024 * 1024),
          }),
        );
      }
    });
    const created = await api()({
      method: 'POST',
      path: '/zips',
      body: JSON.stringify({ keys: ['zipme/'] }),
    });
    expect(created.status).to.equal(202);
    const { id } = (await created.json()) as { id: string };
    const status = async () =>
      ((await (await api()({ method: 'GET', path: `/zips/${id}` })).json()) as { status: string }).status;
    await settle(async () => (await status()) !== 'pending', 60_000);
    expect(await status()).to.equal('running');
    await restart();

    // Within a minute of the restart: settle stops waiting then.
    await settle(async () => ['done', 'failed'].includes(await status()), 60_000);
    expect(['done', 'failed']).to.include(await status());
    const open = await withS3(async (s3, Bucket) =>
      s3.send(new ListMultipartUploadsCommand({ Bucket, Prefix: 'zip/' })),
    );
    expect(open.Uploads ?? []).to.deep.equal([]);
    // Its slot is free (the worker frees it just after writing the status): the caller may start as many
    // jobs as the cap allows (3).
    for (let i = 0; i < 3; i++) {
      let status = 0;
      await settle(async () => {
        const another = await api()({
          method: 'POST',
          path: '/zips',
          body: JSON.stringify({ keys: ['zipme/0.bin'] }),
        });
        status = another.status;
        return status !== 429;
      }, 30_000);
      expect(status, `job ${i + 1}`).to.equal(202);
    }
  });
});
