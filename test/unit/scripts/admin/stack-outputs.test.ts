import { expect } from 'chai';
import { parseStackOutputs, readStackOutputs } from '../../../../scripts/admin/stack-outputs';

const OUTPUTS = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_AbCdEfGhI',
  user_pool_client_id: 'client0123456789abcdefghij',
  identity_pool_id: 'eu-west-1:0f8e4a2c-1111-2222-3333-444455556666',
  api_url: 'https://abc123.execute-api.eu-west-1.amazonaws.com/v1',
  bucket_name: 'lockbox-dev-files-20260101',
  usage_table_name: 'lockbox-dev-usage',
};

describe("admin CLI: a deployed stack's outputs", () => {
  it('reads the file `cdktf output <stack> --outputs-file` writes (outputs under the stack name)', () => {
    const file = { 'lockbox-dev': OUTPUTS, 'lockbox-prod': { ...OUTPUTS, region: 'eu-central-1' } };
    expect(parseStackOutputs(file, 'lockbox-dev')).to.deep.equal(OUTPUTS);
    expect(parseStackOutputs(file, 'lockbox-prod').region).to.equal('eu-central-1');
  });

  it('reads `terraform output -json` (each output an object with its value)', () => {
    const file = Object.fromEntries(
      Object.entries(OUTPUTS).map(([name, value]) => [name, { sensitive: false, type: 'string', value }]),
    );
    expect(parseStackOutputs(file, 'lockbox-dev')).to.deep.equal(OUTPUTS);
  });

  it('names the output that is missing or empty, and refuses what is not an object', () => {
    const { api_url: _, ...withoutApi } = OUTPUTS;
    expect(() => parseStackOutputs({ 'lockbox-dev': withoutApi }, 'lockbox-dev')).to.throw(
      /"api_url" is missing/,
    );
    expect(() => parseStackOutputs({ ...OUTPUTS, bucket_name: '' }, 'lockbox-dev')).to.throw(/"bucket_name"/);
    expect(() => parseStackOutputs({}, 'lockbox-dev')).to.throw(/"region" is missing/);
    expect(() => parseStackOutputs(null, 'lockbox-dev')).to.throw(/not a JSON object/);
  });

  it('passes only a stack name to the cdktf command line', async () => {
    for (const name of ['lockbox-dev; rm -rf /', '--app=evil', '../x', '']) {
      try {
        await readStackOutputs(name);
        expect.fail(`ran cdktf for ${name}`);
      } catch (error) {
        expect((error as Error).message).to.equal(`Not a stack name: ${name}`);
      }
    }
  });
});
