import { randomUUID } from 'node:crypto';
import { expect } from 'chai';
import { jobsOfS3Event } from '../../../../../../handlers/lib/zip/jobs/job-event';
import { zipRequestKey } from '../../../../../../handlers/lib/zip/jobs/job-keys';
import { identityId } from '../../../../../support/events';
import { s3Event } from '../../../../../support/zip-jobs';

describe('jobsOfS3Event', () => {
  const bucket = 'lockbox-test';
  const job = { identityId: identityId(), jobId: randomUUID() };

  it('finds the job of a request record, decoding the key as S3 encodes it', () => {
    const event = s3Event(bucket, zipRequestKey(job));
    expect(event.Records[0].s3.object.key).to.contain('%3A');
    expect(jobsOfS3Event(event, bucket)).to.deep.equal({ jobs: [job], refused: 0 });
  });

  it('decodes "+" as a space, so an encoded key can never pass for another', () => {
    const event = s3Event(bucket, zipRequestKey(job));
    event.Records[0].s3.object.key = event.Records[0].s3.object.key.replace('request', 're+quest');
    expect(jobsOfS3Event(event, bucket).jobs).to.deep.equal([]);
  });

  it('refuses records of another bucket, another event, another key, or a malformed escape', () => {
    const events = [
      s3Event('other-bucket', zipRequestKey(job)),
      s3Event(bucket, zipRequestKey(job), 'ObjectRemoved:Delete'),
      s3Event(bucket, zipRequestKey(job).replace('request.json', 'status.json')),
      s3Event(bucket, `${job.identityId}/x/request.json`),
      s3Event(bucket, 'zip/%E0%A4%A/request.json'),
    ];
    events[4].Records[0].s3.object.key = `zip/${job.identityId}/${job.jobId}/request.json%E0%A4%A`;
    for (const event of events) expect(jobsOfS3Event(event, bucket)).to.deep.equal({ jobs: [], refused: 1 });
  });

  it('finds nothing in payloads that are not S3 events', () => {
    for (const payload of [undefined, null, 'x', {}, { Records: 'x' }, { Records: [null, 1, {}] }]) {
      expect(jobsOfS3Event(payload, bucket).jobs).to.deep.equal([]);
    }
  });
});
