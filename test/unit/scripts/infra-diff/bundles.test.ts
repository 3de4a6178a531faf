import { expect } from 'chai';
import { codeChanges } from '../../../../scripts/infra-diff/bundles';
import { blockDiff } from './fixtures';

describe('infra-diff bundles', () => {
  const fn = (hash: string, memory = 256) => ({
    function_name: 'lockbox-dev-get-file',
    filename: `assets/code/${hash}/get-file.zip`,
    source_code_hash: hash,
    memory_size: memory,
  });

  it('reports a function whose bundle hash moved as code changed, by function name', () => {
    const diff = blockDiff(
      { 'aws_lambda_function.get': fn('aaa') },
      { 'aws_lambda_function.get': fn('bbb') },
    );
    expect(codeChanges(diff)).to.deep.equal([
      { address: 'aws_lambda_function.get', functionName: 'lockbox-dev-get-file' },
    ]);
  });

  it('does not report a function whose code is the same', () => {
    const diff = blockDiff(
      { 'aws_lambda_function.get': fn('aaa') },
      { 'aws_lambda_function.get': fn('aaa', 512) },
    );
    expect(codeChanges(diff)).to.deep.equal([]);
  });
});
