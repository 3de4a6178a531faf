import { expect } from 'chai';
import { createUpload } from '../../handlers/create-upload';
import { uploadDepsFromEnv } from '../../handlers/lib/wiring/deps';
import { apiEvent, context } from '../support/events';

// No server: a single PUT is only signed, never sent. This checks the deployed wiring, which the
// integration tests replace with their own deps.
describe('POST /uploads with the deployed deps', () => {
  it('signs content-length and content-type and adds no checksum of an empty body', async () => {
    const deployed = uploadDepsFromEnv();
    const handler = createUpload({ ...deployed, http: { ...deployed.http, log: () => {} } });
    const res = await handler(
      apiEvent({
        method: 'POST',
        path: '/uploads',
        body: { key: 'a.txt', size: 3, contentType: 'text/plain' },
      }),
      context,
    );
    expect(res.statusCode).to.equal(200);
    const query = new URL(JSON.parse(res.body).url).searchParams;
    expect(query.get('X-Amz-SignedHeaders')).to.equal('content-length;content-type;host');
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
  });
});
