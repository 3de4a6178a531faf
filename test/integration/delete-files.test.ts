import { DeleteObjectsCommand, ListObjectsV2Command } from '@aws-sdk/client-s3';
import { expect } from 'chai';
import sinon from 'sinon';
import { type S3Server, startS3Server } from '../../devtools/local-s3';
import { deleteFiles } from '../../handlers/delete-files';
import { deleteKeys } from '../../handlers/lib/files/delete';
import type { IdentityId } from '../../handlers/lib/files/keys';
import { contractChecked } from '../support/contract-handler';
import { testDeps } from '../support/deps';
import { apiEvent, context, identityId } from '../support/events';
import { keysUnder, putObject } from '../support/objects';

// local/s3: DeleteObjects and prefix listings (paged with StartAfter) behave as on S3, odd characters included.
describe('POST /files/delete', () => {
  let s3: S3Server;

  before(async () => {
    s3 = await startS3Server();
  });
  after(() => s3.stop());
  afterEach(() => sinon.restore());

  async function userWith(keys: string[]): Promise<IdentityId> {
    const user = identityId();
    for (const key of keys) await putObject(s3, `${user}/${key}`, 'x');
    return user;
  }

  const post = async (user: string, body: unknown) => {
    const res = await contractChecked('POST /files/delete', deleteFiles(testDeps(s3)))(
      apiEvent({ identityId: user, method: 'POST', path: '/files/delete', body: body as object }),
      context,
    );
    return { status: res.statusCode, body: JSON.parse(res.body) };
  };

  it('deletes files and a folder, reports an invalid key, and leaves everything else', async () => {
    const user = await userWith([
      'a.txt',
      'b &+%?é.txt',
      'photos/1.jpg',
      'photos/2024/2.jpg',
      'photos/2024/deep/3.jpg',
      'photos2/keep.jpg',
      'photos',
      'c.txt',
    ]);
    const res = await post(user, { keys: ['a.txt', 'b &+%?é.txt', 'photos/', '../c.txt', 'missing.txt'] });
    expect(res.status).to.equal(200);
    expect(res.body.deleted).to.deep.equal(['a.txt', 'b &+%?é.txt', 'photos/', 'missing.txt']);
    expect(res.body.errors).to.have.length(1);
    expect(res.body.errors[0]).to.include({ key: '../c.txt', code: 'InvalidKey' });
    expect(res.body.errors[0].message).to.be.a('string').and.not.equal('');
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([
      `${user}/c.txt`,
      `${user}/photos`,
      `${user}/photos2/keep.jpg`,
    ]);
  });

  it('reports an empty or missing folder as deleted, and a repeated key once', async () => {
    const user = await userWith(['keep.txt']);
    const res = await post(user, { keys: ['nothing/', 'keep.txt', 'keep.txt'] });
    expect(res.body).to.deep.equal({ deleted: ['nothing/', 'keep.txt'], errors: [] });
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([]);
  });

  it('reports only invalid keys when no key is valid', async () => {
    const user = await userWith(['a.txt']);
    const res = await post(user, { keys: ['', '/a.txt', 'a\\b', '%2e%2e/a.txt'] });
    expect(res.status).to.equal(200);
    expect(res.body.deleted).to.deep.equal([]);
    expect(res.body.errors.map((e: { key: string; code: string }) => [e.key, e.code])).to.deep.equal([
      ['', 'InvalidKey'],
      ['/a.txt', 'InvalidKey'],
      ['a\\b', 'InvalidKey'],
      ['%2e%2e/a.txt', 'InvalidKey'],
    ]);
    expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/a.txt`]);
  });

  it('refuses a body without 1..1000 string keys', async () => {
    const user = identityId();
    for (const body of [
      {},
      { keys: [] },
      { keys: 'a.txt' },
      { keys: [1] },
      { keys: ['a', null] },
      { keys: Array.from({ length: 1001 }, (_, i) => `f${i}`) },
      { keys: ['a'], extra: true },
    ]) {
      const res = await post(user, body);
      expect(res.status, JSON.stringify(body).slice(0, 60)).to.equal(400);
      expect(res.body.error.code).to.equal('BadRequest');
    }
  });

  describe('in batches (deleteKeys with a batch size of 3)', () => {
    it('lists a large folder page by page and deletes each page in one call', async () => {
      const files = Array.from({ length: 8 }, (_, i) => `big/${i}.txt`);
      const user = await userWith([...files, 'x.txt', 'y.txt', 'z.txt', 'w.txt']);
      const send = sinon.spy(s3.client, 'send');
      const report = await deleteKeys(
        s3.client,
        s3.bucket,
        user,
        ['big/', 'x.txt', 'y.txt', 'z.txt', 'w.txt'],
        3,
      );
      expect(report).to.deep.equal({ deleted: ['big/', 'x.txt', 'y.txt', 'z.txt', 'w.txt'], errors: [] });
      const calls = send.getCalls().map((call) => call.args[0]);
      const deletes = calls.filter((c) => c instanceof DeleteObjectsCommand) as DeleteObjectsCommand[];
      expect(deletes.map((d) => d.input.Delete?.Objects?.length)).to.deep.equal([3, 1, 3, 3, 2]);
      expect(calls.filter((c) => c instanceof ListObjectsV2Command)).to.have.length(3);
      expect(await keysUnder(s3, `${user}/`)).to.deep.equal([]);
    });

    it('reports the files S3 refused, by their own key, and the folder not as deleted', async () => {
      const user = await userWith(['dir/a', 'dir/b', 'dir/c', 'solo.txt', 'other.txt']);
      // S3 refuses two of the keys it is asked to delete (as a bucket policy or object lock would).
      const refused = [`${user}/dir/b`, `${user}/solo.txt`];
      const realSend = s3.client.send.bind(s3.client);
      sinon.stub(s3.client, 'send').callsFake(async (command: unknown) => {
        if (!(command instanceof DeleteObjectsCommand)) return realSend(command as ListObjectsV2Command);
        const asked = (command.input.Delete?.Objects ?? []).map((o) => o.Key ?? '');
        const allowed = asked.filter((key) => !refused.includes(key)).map((Key) => ({ Key }));
        const sent = await realSend(
          new DeleteObjectsCommand({ ...command.input, Delete: { Objects: allowed } }),
        );
        const Errors = asked
          .filter((key) => refused.includes(key))
          .map((Key) => ({ Key, Code: 'AccessDenied', Message: 'Access Denied' }));
        return { ...sent, Errors };
      });
      const report = await deleteKeys(s3.client, s3.bucket, user, ['dir/', 'solo.txt', 'other.txt'], 3);
      expect(report.deleted).to.deep.equal(['other.txt']);
      expect(report.errors.map((e) => [e.key, e.code])).to.deep.equal([
        ['solo.txt', 'Internal'],
        ['dir/b', 'Internal'],
      ]);
      expect(JSON.stringify(report)).not.to.include('AccessDenied');
      sinon.restore();
      expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/dir/b`, `${user}/solo.txt`]);
    });

    it('reports a folder whose listing fails, and goes on with the other keys', async () => {
      const user = await userWith(['dir/a', 'other/b', 'c.txt']);
      const realSend = s3.client.send.bind(s3.client);
      sinon.stub(s3.client, 'send').callsFake(async (command: unknown) => {
        if (command instanceof ListObjectsV2Command && command.input.Prefix === `${user}/dir/`) {
          throw new Error('arn:aws:s3:::lockbox-test is not reachable');
        }
        return realSend(command as ListObjectsV2Command);
      });
      const report = await deleteKeys(s3.client, s3.bucket, user, ['dir/', 'other/', 'c.txt']);
      expect(report.deleted).to.deep.equal(['other/', 'c.txt']);
      expect(report.errors).to.deep.equal([
        { key: 'dir/', code: 'Internal', message: 'Could not delete this key; try again.' },
      ]);
      sinon.restore();
      expect(await keysUnder(s3, `${user}/`)).to.deep.equal([`${user}/dir/a`]);
    });
  });
});
