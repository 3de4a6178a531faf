import { expect } from 'chai';
import { diffBlocks } from '../../../../scripts/infra-diff/resource-diff';
import { blocksOf, flatten } from '../../../../scripts/infra-diff/terraform-json';
import { stackJson } from './fixtures';

describe('infra-diff resource diff', () => {
  it('lists added, removed and changed blocks by Terraform address, data sources prefixed', () => {
    const before = stackJson({
      resource: {
        'aws_s3_bucket.old': { bucket_prefix: 'a-' },
        'aws_lambda_function.fn': { memory_size: 256 },
      },
      data: { 'aws_caller_identity.me': {} },
    });
    const after = stackJson({
      resource: { 'aws_lambda_function.fn': { memory_size: 512 }, 'aws_sqs_queue.new': {} },
      data: { 'aws_caller_identity.me': {} },
    });
    const diff = diffBlocks(blocksOf(before), blocksOf(after));
    expect(diff.added.map((block) => block.address)).to.deep.equal(['aws_sqs_queue.new']);
    expect(diff.removed.map((block) => block.address)).to.deep.equal(['aws_s3_bucket.old']);
    expect(diff.changed).to.have.length(1);
    expect(diff.changed[0]?.after.constructPath).to.equal('stack/fn');
    expect(diff.changed[0]?.changes).to.deep.equal([{ path: 'memory_size', before: 256, after: 512 }]);
  });

  it('names nested changes by path, and an argument present on one side only as absent on the other', () => {
    const before = stackJson({
      resource: { 'aws_lambda_function.fn': { environment: { variables: { A: '1' } } } },
    });
    const after = stackJson({
      resource: { 'aws_lambda_function.fn': { environment: { variables: { A: '2', B: 'x' } } } },
    });
    const [changed] = diffBlocks(blocksOf(before), blocksOf(after)).changed;
    expect(changed?.changes).to.deep.equal([
      { path: 'environment.variables.A', before: '1', after: '2' },
      { path: 'environment.variables.B', before: undefined, after: 'x' },
    ]);
  });

  it('ignores cdktf metadata, so a block whose only difference is its metadata is unchanged', () => {
    const before = stackJson({ resource: { 'aws_sqs_queue.q': { name: 'q' } } });
    const after = structuredClone(before);
    // biome-ignore lint/suspicious/noExplicitAny: reaching into the fixture's metadata.
    (after.resource as any).aws_sqs_queue.q['//'].metadata.path = 'elsewhere';
    expect(diffBlocks(blocksOf(before), blocksOf(after)).changed).to.deep.equal([]);
  });

  it('flattens lists of plain values as one leaf and indexes lists of blocks', () => {
    const leaves = flatten({ architectures: ['arm64'], default_tags: [{ tags: { project: 'lockbox' } }] });
    expect([...leaves]).to.deep.equal([
      ['architectures', ['arm64']],
      ['default_tags[0].tags.project', 'lockbox'],
    ]);
  });
});
