import { expect } from 'chai';
import { configOfOutputs } from '../../../../scripts/web/deploy-config';

const OUTPUTS = {
  region: 'eu-west-1',
  user_pool_id: 'eu-west-1_abc',
  user_pool_client_id: 'client',
  identity_pool_id: 'eu-west-1:1234',
  api_url: 'https://abc.execute-api.eu-west-1.amazonaws.com/dev',
  bucket_name: 'lockbox-dev-files',
};

describe('configOfOutputs (npm run build:web --outputs)', () => {
  it('takes the app fields from a cdktf outputs file, nested under the stack', () => {
    const { bucket_name: _bucket, ...expected } = OUTPUTS;
    expect(configOfOutputs({ 'lockbox-dev': OUTPUTS })).to.deep.equal(expected);
    expect(configOfOutputs(OUTPUTS)).to.deep.equal(expected);
  });

  it('needs a stack name when the file holds several stacks', () => {
    const both = { 'lockbox-dev': OUTPUTS, 'lockbox-prod': { ...OUTPUTS, api_url: 'https://prod' } };
    expect(() => configOfOutputs(both)).to.throw(/name one stack of: lockbox-dev, lockbox-prod/);
    expect(configOfOutputs(both, 'lockbox-prod').api_url).to.equal('https://prod');
  });

  it('names the outputs that are missing or empty', () => {
    expect(() => configOfOutputs({ 'lockbox-dev': { ...OUTPUTS, api_url: '', region: undefined } })).to.throw(
      'The outputs of lockbox-dev lack region, api_url',
    );
    expect(() => configOfOutputs(null)).to.throw(/lack region/);
  });
});
