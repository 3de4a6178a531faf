import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import fc from 'fast-check';
import type { IdentityId } from '../../../../../../handlers/lib/files/keys';
import {
  isJobId,
  jobOfRequestKey,
  zipArchiveKey,
  zipRequestKey,
  zipStatusKey,
} from '../../../../../../handlers/lib/zip/jobs/job-keys';
import { identityId } from '../../../../../support/events';

describe('zip job keys', () => {
  const job = { identityId: identityId(), jobId: randomUUID() };

  it("puts every record of a job in its owner's zip folder", () => {
    const folder = `zip/${job.identityId}/${job.jobId}/`;
    expect(zipRequestKey(job)).to.equal(`${folder}request.json`);
    expect(zipStatusKey(job)).to.equal(`${folder}status.json`);
    expect(zipArchiveKey(job)).to.equal(`${folder}archive.zip`);
  });

  it('accepts only canonical lower-case UUIDs as job ids', () => {
    expect(isJobId(job.jobId)).to.equal(true);
    for (const id of [job.jobId.toUpperCase(), `${job.jobId}/`, `{${job.jobId}}`, '', '..', 42, undefined]) {
      expect(isJobId(id), String(id)).to.equal(false);
    }
  });

  it('refuses to build a key from an invalid identity or job id', () => {
    expect(() => zipStatusKey({ identityId: '../x' as IdentityId, jobId: job.jobId })).to.throw();
    expect(() => zipStatusKey({ identityId: job.identityId, jobId: '../x' })).to.throw();
  });

  it('reads back the job of every request key it builds', () => {
    fc.assert(
      fc.property(fc.uuid(), fc.constantFrom('eu-west-1', 'us-east-1', 'ap-southeast-2'), (uuid, region) => {
        const ref = { identityId: identityId(region), jobId: uuid.toLowerCase() };
        fc.pre(isJobId(ref.jobId));
        expect(jobOfRequestKey(zipRequestKey(ref))).to.deep.equal(ref);
      }),
    );
  });

  it('finds no job in any other key', () => {
    const { identityId: id, jobId } = job;
    for (const key of [
      `zip/${id}/${jobId}/status.json`,
      `zip/${id}/${jobId}/archive.zip`,
      `zip/${id}/${jobId}/request.json/`,
      `zip/${id}/${jobId}/x/request.json`,
      `zip/${id}/../${jobId}/request.json`,
      `zip/${id}/${jobId.toUpperCase()}/request.json`,
      `zip/not-an-identity/${jobId}/request.json`,
      `${id}/${jobId}/request.json`,
      `other/${id}/${jobId}/request.json`,
      `/zip/${id}/${jobId}/request.json`,
      '',
    ]) {
      expect(jobOfRequestKey(key), key).to.equal(undefined);
    }
  });

  it('finds no job in arbitrary strings that are not request keys', () => {
    fc.assert(
      fc.property(fc.string(), (key) => {
        const found = jobOfRequestKey(key);
        if (found !== undefined) expect(zipRequestKey(found)).to.equal(key);
      }),
    );
  });
});
