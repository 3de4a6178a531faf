import { expect } from 'chai';
import { diffPolicyDocuments } from '../../../../scripts/infra-diff/iam-diff';
import { patternMatches } from '../../../../scripts/infra-diff/iam-statements';
import { blocksOf, type JsonObject } from '../../../../scripts/infra-diff/terraform-json';
import { allow, BUCKET_ARN, OBJECTS, PREFIX_CONDITION, policyDocument, stackJson } from './fixtures';

const DOC = 'aws_iam_policy_document.s3-access';

function changesBetween(before: JsonObject[], after: JsonObject[]) {
  const stack = (statements: JsonObject[]) =>
    blocksOf(stackJson({ data: statements.length === 0 ? {} : { [DOC]: policyDocument(...statements) } }));
  return diffPolicyDocuments(stack(before), stack(after));
}

describe('infra-diff IAM statements', () => {
  it('flags an action added to a statement as widened, naming the action', () => {
    const [change, ...rest] = changesBetween(
      [allow(['s3:GetObject'], [OBJECTS])],
      [allow(['s3:GetObject', 's3:DeleteObject'], [OBJECTS])],
    );
    expect(rest).to.deep.equal([]);
    expect(change?.kind).to.equal('changed');
    expect(change?.document).to.equal(`data.${DOC}`);
    expect(change?.widened).to.deep.equal(['actions + s3:DeleteObject']);
    expect(change?.narrowed).to.deep.equal([]);
  });

  it('flags a dropped condition as widened', () => {
    const [change] = changesBetween(
      [allow(['s3:ListBucket'], [BUCKET_ARN], [PREFIX_CONDITION])],
      [allow(['s3:ListBucket'], [BUCKET_ARN])],
    );
    expect(change?.widened).to.deep.equal(['condition dropped: StringLike s3:prefix eu-west-1:*']);
  });

  it('flags a resource pattern that covers more as widened', () => {
    const [change] = changesBetween(
      [allow(['s3:GetObject'], [OBJECTS])],
      [allow(['s3:GetObject'], [`${BUCKET_ARN}/*`])],
    );
    expect(change?.widened).to.deep.equal([`resources + ${BUCKET_ARN}/*`]);
    expect(change?.narrowed).to.deep.equal([]);
  });

  it('flags a wildcard action that replaces a named one as widened, and the reverse as narrowed only', () => {
    const [wider] = changesBetween([allow(['s3:GetObject'], [OBJECTS])], [allow(['s3:Get*'], [OBJECTS])]);
    expect(wider?.widened).to.deep.equal(['actions + s3:Get*']);
    const [narrower] = changesBetween([allow(['s3:Get*'], [OBJECTS])], [allow(['s3:GetObject'], [OBJECTS])]);
    expect(narrower?.widened).to.deep.equal([]);
    expect(narrower?.narrowed).to.deep.equal(['actions − s3:Get*']);
  });

  it('reads a removed action as narrowed, not widened', () => {
    const [change] = changesBetween(
      [allow(['s3:GetObject', 's3:DeleteObject'], [OBJECTS])],
      [allow(['s3:GetObject'], [OBJECTS])],
    );
    expect(change?.widened).to.deep.equal([]);
    expect(change?.narrowed).to.deep.equal(['actions − s3:DeleteObject']);
  });

  it('sees no change when only the order or repetition of actions differs', () => {
    expect(
      changesBetween(
        [allow(['s3:GetObject', 's3:PutObject'], [OBJECTS])],
        [allow(['s3:PutObject', 's3:GetObject', 's3:PutObject'], [OBJECTS])],
      ),
    ).to.deep.equal([]);
  });

  it('reads a new Allow statement or policy document as widened', () => {
    const [change] = changesBetween([], [allow(['s3:PutObject'], [OBJECTS])]);
    expect(change?.kind).to.equal('added');
    expect(change?.widened).to.deep.equal(['statement added']);
    expect(change?.after?.actions).to.deep.equal(['s3:PutObject']);
  });

  it('reads a Deny that covers fewer actions as widened', () => {
    const deny = (actions: string[]) => ({ effect: 'Deny', actions, resources: [OBJECTS] });
    const [change] = changesBetween([deny(['s3:*', 's3:GetObject'])], [deny(['s3:GetObject'])]);
    expect(change?.widened).to.deep.equal(['actions − s3:*']);
  });

  it('pairs each statement with its own successor when a document holds several', () => {
    const list = allow(['s3:ListBucket'], [BUCKET_ARN], [PREFIX_CONDITION]);
    const changes = changesBetween(
      [allow(['s3:GetObject'], [OBJECTS]), list],
      [list, allow(['s3:GetObject', 's3:PutObject'], [OBJECTS])],
    );
    expect(changes.map((change) => [change.kind, change.widened])).to.deep.equal([
      ['changed', ['actions + s3:PutObject']],
    ]);
  });

  it('matches IAM patterns: * any run, ? one character, actions without case', () => {
    expect(patternMatches('s3:Get*', 's3:getobject', true)).to.equal(true);
    expect(patternMatches('s3:Get*', 's3:getobject')).to.equal(false);
    expect(patternMatches('arn:aws:s3:::b/a?c', 'arn:aws:s3:::b/abc')).to.equal(true);
    expect(patternMatches(OBJECTS, `${BUCKET_ARN}/zip/1`)).to.equal(false);
    expect(patternMatches(OBJECTS, `${BUCKET_ARN}/eu-west-1:abc/f.txt`)).to.equal(true);
  });
});
