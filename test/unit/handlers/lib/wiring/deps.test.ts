import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { type S3Server, startS3Server } from '../../../../../devtools/local-s3';
import { createUpload } from '../../../../../handlers/create-upload';
import { uploadDepsFromEnv } from '../../../../../handlers/lib/wiring/deps';
import { createLocalSts } from '../../../../../local/sts/sts';
import { apiEvent, context } from '../../../../support/events';

// The single PUT is only signed, never sent; the embedded S3 answers the HeadObject that finds the file
// new. This checks the deployed wiring, which the integration tests replace with their own deps. The URL
// is signed with the caller's folder-scoped session, which the local STS issues to the functions'
// credentials of test/setup.ts.
describe('POST /uploads with the deployed deps', () => {
  let server: Server;
  let s3: S3Server;
  const saved = {
    AWS_ENDPOINT_URL_STS: process.env.AWS_ENDPOINT_URL_STS,
    AWS_ENDPOINT_URL_S3: process.env.AWS_ENDPOINT_URL_S3,
    S3_FORCE_PATH_STYLE: process.env.S3_FORCE_PATH_STYLE,
  };
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
    s3 = await startS3Server({ lookup: (id) => sts.lookup(id) });
    process.env.AWS_ENDPOINT_URL_S3 = s3.endpoint;
    process.env.S3_FORCE_PATH_STYLE = 'true';
  });
  after(async () => {
    for (const [name, value] of Object.entries(saved)) {
      if (value === undefined) delete process.env[name];
      else process.env[name] = value;
    }
    server.close();
    await s3?.stop();
  });

  it('signs content-length, content-type and If-None-Match, with a session token, and adds no checksum of an empty body', async () => {
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
    expect(query.get('X-Amz-SignedHeaders')).to.equal('content-length;content-type;host;if-none-match');
    expect(query.get('X-Amz-Security-Token')).to.be.a('string');
    expect([...query.keys()].filter((name) => /checksum/i.test(name))).to.deep.equal([]);
  });
});
