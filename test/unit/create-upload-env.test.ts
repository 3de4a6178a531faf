import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createUpload } from '../../handlers/create-upload';
import { uploadDepsFromEnv } from '../../handlers/lib/wiring/deps';
import { createLocalSts } from '../../local/sts/sts';
import { apiEvent, context } from '../support/events';

// No S3 server: a single PUT is only signed, never sent. This checks the deployed wiring, which the
// integration tests replace with their own deps. The URL is signed with the caller's folder-scoped
// session, which the local STS issues to the functions' credentials of test/setup.ts.
describe('POST /uploads with the deployed deps', () => {
  let server: Server;
  const saved = process.env.AWS_ENDPOINT_URL_STS;
  before(async () => {
    const sts = createLocalSts({
      region: process.env.AWS_REGION as string,
      roleArn: process.env.CALLER_ROLE_ARN as string,
      assumers: (id) =>
        id === process.env.AWS_ACCESS_KEY_ID
          ? { accessKeyId: id, secretAccessKey: process.env.AWS_SECRET_ACCESS_KEY as string }
          : undefined,
      log: () => {},
    });
    server = createServer((req, res) => void sts.handle(req, res));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    process.env.AWS_ENDPOINT_URL_STS = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  after(() => {
    if (saved === undefined) delete process.env.AWS_ENDPOINT_URL_STS;
    else process.env.AWS_ENDPOINT_URL_STS = saved;
    server.close();
  });

  it('signs content-length and content-type, with a session token, and adds no checksum of an empty body', async () => {
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
    expect(query.get('X-Amz-Security-Token')).to.be.a('string');
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
  });
});
