import { expect } from 'chai';
import { renderRequestTables } from '../../../scripts/infra-diff/request-tables';
import type { JsonObject } from '../../../scripts/infra-diff/terraform-json';
import { synthDev } from '../synthesized';

describe("IAM: infra:diff's request table section", () => {
  const stack = () => structuredClone(synthDev().json) as JsonObject;

  it('says every request is decided as expected and none changed when the policies are the same', async function () {
    this.timeout(180_000);
    const report = await renderRequestTables(
      new Map([['lockbox-dev', stack()]]),
      new Map([['lockbox-dev', stack()]]),
    );
    expect(report).to.match(
      /^\n### IAM request table: `lockbox-dev`\n\n\d+ requests \(`npm run iam:table`\): 0 not as expected, 0 decided otherwise at the base\.\n$/,
    );
  });

  it("lists the requests the base decided otherwise: a grant the base's caller role lacked", async function () {
    this.timeout(180_000);
    const base = stack();
    const documents = (base.data as { aws_iam_policy_document: Record<string, { statement: unknown[] }> })
      .aws_iam_policy_document;
    const name = Object.keys(documents).find((key) =>
      key.startsWith('functions_get-file_caller_s3-access-document'),
    ) as string;
    documents[name] = {
      statement: [{ effect: 'Allow', actions: ['s3:GetObjectAttributes'], resources: ['*'] }],
    };
    const report = await renderRequestTables(
      new Map([['lockbox-dev', base]]),
      new Map([['lockbox-dev', stack()]]),
    );
    // get-file's caller session reads (GetObject) and proves a key absent (ListBucket): both refused at the base.
    expect(report).to.contain('0 not as expected, 2 decided otherwise at the base.');
    expect(report).to.match(
      /\| get-file caller session of A \| `s3:GetObject eu-west-1:a[^`]*` \| Allowed \| ImplicitlyDenied \| Allowed \| ✔ \|/,
    );
  });

  it('says so when the base has no comparable table', async function () {
    this.timeout(180_000);
    const report = await renderRequestTables(new Map(), new Map([['lockbox-dev', stack()]]));
    expect(report).to.contain('0 not as expected, the base has no comparable table.');
  });
});
