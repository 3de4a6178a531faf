import { expect } from 'chai';
import { forkImports, forkPackageJson } from '../../../../scripts/check-fork/fork-sources';
import { FORK_VERSIONS } from '../../../../scripts/check-fork/fork-versions';

describe('check:fork moving the sources to CDK Terrain', () => {
  it('swaps cdktf, its AWS bindings and constructs for the fork, drops the CLI and keeps the rest', () => {
    const moved = forkPackageJson({
      name: 'lockbox',
      dependencies: {
        '@cdktf/provider-aws': '21.22.1',
        cdktf: '0.21.0',
        constructs: '10.8.1',
        yazl: '3.3.1',
      },
      devDependencies: { 'cdktf-cli': '0.21.0', mocha: '12.0.3' },
    });
    expect(moved.name).to.equal('lockbox');
    expect(moved.dependencies).to.deep.equal({
      '@cdktn/provider-aws': FORK_VERSIONS.providerAws,
      cdktn: FORK_VERSIONS.cdktn,
      constructs: FORK_VERSIONS.constructs,
      yazl: '3.3.1',
    });
    expect(moved.devDependencies).to.deep.equal({ mocha: '12.0.3' });
  });

  it('moves cdktf imports, deep provider imports included, and nothing that merely mentions cdktf', () => {
    const source = [
      "import { App, TerraformStack } from 'cdktf';",
      "import { S3Bucket } from '@cdktf/provider-aws/lib/s3-bucket';",
      'import type { IamRole } from "@cdktf/provider-aws/lib/iam-role";',
      "const { Testing } = require('cdktf');",
      "// cdktf's own ARCHIVE assets stamp mtimes; 'cdktf.out' stays",
      "const outdir = 'cdktf.out';",
    ].join('\n');
    expect(forkImports(source)).to.equal(
      [
        "import { App, TerraformStack } from 'cdktn';",
        "import { S3Bucket } from '@cdktn/provider-aws/lib/s3-bucket';",
        'import type { IamRole } from "@cdktn/provider-aws/lib/iam-role";',
        "const { Testing } = require('cdktn');",
        "// cdktf's own ARCHIVE assets stamp mtimes; 'cdktf.out' stays",
        "const outdir = 'cdktf.out';",
      ].join('\n'),
    );
  });
});
