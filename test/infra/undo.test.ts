import { expect } from 'chai';
import { UNDO_RETENTION_DAYS } from '../../contract/bucket-layout';
import { routes } from '../../contract/routes';
import { type EnvironmentConfig, environments } from '../../stacks/environments';
import { type Block, type Synthesized, synth, synthDev } from './synthesized';

const dev = environments.dev as EnvironmentConfig;

/** The lifecycle rule with this id. */
function rule(stack: Synthesized, id: string): Block {
  const rules = stack.only('aws_s3_bucket_lifecycle_configuration').rule as Block[];
  const found = rules.find((candidate) => candidate.id === id);
  if (found === undefined) throw new Error(`No lifecycle rule ${id}`);
  return found;
}

describe('undo: bucket versioning and its lifecycle', () => {
  let stack: Synthesized;
  before(() => {
    stack = synthDev();
  });

  it('turns versioning on for the bucket, before the lifecycle rules that need it', () => {
    const versioning = stack.only('aws_s3_bucket_versioning');
    expect(versioning.bucket).to.equal(stack.ref('aws_s3_bucket', 'id'));
    expect(versioning.versioning_configuration.status).to.equal('Enabled');
    const [address] = stack.resources('aws_s3_bucket_versioning')[0] as [string, Block];
    expect(stack.only('aws_s3_bucket_lifecycle_configuration').depends_on).to.deep.equal([
      `aws_s3_bucket_versioning.${address}`,
    ]);
  });

  it("keeps noncurrent versions of users' files for the undo window, 30 days by default", () => {
    const files = rule(stack, 'expire-noncurrent-user-files');
    expect(files.status).to.equal('Enabled');
    expect(files.filter).to.deep.equal([{ prefix: 'eu-west-1:' }]);
    expect(files.noncurrent_version_expiration[0].noncurrent_days).to.equal(30);
    expect(UNDO_RETENTION_DAYS.default).to.equal(30);
    expect(files.expiration).to.equal(undefined);
  });

  it('expires noncurrent versions of zips, upload plans and user records within a day', () => {
    for (const [id, prefix] of [
      ['expire-zips', 'zip/'],
      ['expire-upload-plans', 'uploads/'],
      ['expire-noncurrent-user-records', 'users/'],
    ]) {
      const service = rule(stack, id);
      expect(service.filter, id).to.deep.equal([{ prefix }]);
      expect(service.noncurrent_version_expiration[0].noncurrent_days, id).to.equal(1);
    }
  });

  it('removes expired delete markers everywhere, in a rule of its own', () => {
    const markers = rule(stack, 'remove-expired-delete-markers');
    expect(markers.status).to.equal('Enabled');
    expect(markers.filter).to.deep.equal([{ prefix: '' }]);
    expect(markers.expiration).to.deep.equal([{ expired_object_delete_marker: true }]);
  });

  it('takes the undo window from the environment, and refuses one out of range', () => {
    const week = synth({ config: { ...dev, undoRetentionDays: 7 } });
    expect(
      rule(week, 'expire-noncurrent-user-files').noncurrent_version_expiration[0].noncurrent_days,
    ).to.equal(7);
    for (const days of [0, 366, 1.5]) {
      expect(() => synth({ config: { ...dev, undoRetentionDays: days } }), String(days)).to.throw(
        /undoRetentionDays must be an integer in 1\.\.365/,
      );
    }
  });

  it('grants version reads and listings only to the undo routes, and version deletes only to DELETE /file', () => {
    const versionActions = ['s3:GetObjectVersion', 's3:ListBucketVersions', 's3:DeleteObjectVersion'];
    // The function's own role and its caller role (the folder-scoped sessions', which alone reach files).
    const rolesOf = (handler: string) => {
      const fn = stack.lambda(`lockbox-dev-${handler}`);
      const callerRole = fn.environment.variables.CALLER_ROLE_ARN;
      return callerRole === undefined ? [fn.role] : [fn.role, callerRole];
    };
    const granted = (handler: string) =>
      rolesOf(handler).flatMap((role) =>
        stack.roleStatements(role).flatMap((statement) => statement.actions ?? []),
      );
    const expected: Record<string, string[]> = {
      'list-deleted-files': ['s3:ListBucketVersions'],
      'list-file-versions': ['s3:ListBucketVersions'],
      'restore-files': ['s3:GetObjectVersion', 's3:ListBucketVersions'],
      // DELETE /file?versionId=: finds the version in the key's listing, then deletes it.
      'delete-file': ['s3:DeleteObjectVersion', 's3:ListBucketVersions'],
    };
    for (const { handler } of routes) {
      const ownActions = stack
        .roleStatements(stack.lambda(`lockbox-dev-${handler}`).role)
        .flatMap((statement) => statement.actions ?? []);
      expect(
        ownActions.filter((action) => versionActions.includes(action)),
        handler,
      ).to.deep.equal([]);
      const actions = granted(handler);
      expect(
        actions.filter((action) => versionActions.includes(action)),
        handler,
      ).to.deep.equal(expected[handler] ?? []);
    }
    // Restoring writes a new version (one CopyObject), nothing more; its version listing proves a 403 a
    // missing version.
    expect(granted('restore-files').filter((a) => a.startsWith('s3:'))).to.have.members([
      's3:GetObjectVersion',
      's3:PutObject',
      's3:ListBucketVersions',
      's3:PutObject',
    ]);
  });
});
