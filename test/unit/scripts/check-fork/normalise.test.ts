import { expect } from 'chai';
import { fullSource, normaliseStack, providerVersions } from '../../../../scripts/check-fork/normalise';
import type { JsonObject } from '../../../../scripts/infra-diff/terraform-json';

function stack(version: string, source: string, cdktf: string, region = 'eu-west-1'): JsonObject {
  return {
    '//': { metadata: { backend: 'local', stackName: 'lockbox-dev', version: cdktf } },
    terraform: { required_providers: { aws: { source, version } } },
    provider: { aws: [{ region }] },
  };
}

describe('check:fork normalising the synthesized JSON', () => {
  const ours = stack('6.25.0', 'aws', '0.21.0');
  const versions = providerVersions(ours);

  it('makes the fork equal to ours when only the provider version, metadata version and source spelling differ', () => {
    const fork = stack('6.66.0', 'registry.terraform.io/hashicorp/aws', '0.24.0');
    expect(normaliseStack(fork, versions)).to.deep.equal(normaliseStack(ours, versions));
  });

  it('leaves every other value as it is', () => {
    const fork = stack('6.66.0', 'hashicorp/aws', '0.24.0', 'us-east-1');
    expect(normaliseStack(fork, versions)).not.to.deep.equal(normaliseStack(ours, versions));
    expect((normaliseStack(fork, versions).provider as JsonObject).aws).to.deep.equal([
      { region: 'us-east-1' },
    ]);
  });

  it('pins the provider version to ours rather than dropping it, and does not touch its input', () => {
    const fork = stack('6.66.0', 'aws', '0.24.0');
    const normalised = normaliseStack(fork, versions);
    expect(normalised.terraform).to.deep.equal({
      required_providers: { aws: { source: 'registry.terraform.io/hashicorp/aws', version: '6.25.0' } },
    });
    expect(fork.terraform).to.deep.equal({
      required_providers: { aws: { source: 'aws', version: '6.66.0' } },
    });
  });

  it('spells provider sources in full', () => {
    expect(fullSource('aws')).to.equal('registry.terraform.io/hashicorp/aws');
    expect(fullSource('hashicorp/aws')).to.equal('registry.terraform.io/hashicorp/aws');
    expect(fullSource('registry.opentofu.org/hashicorp/aws')).to.equal('registry.opentofu.org/hashicorp/aws');
  });
});
