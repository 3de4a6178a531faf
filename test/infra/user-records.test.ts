import { expect } from 'chai';
import { routes, workers } from '../../contract/routes';
import { type Synthesized, synthDev } from './synthesized';

/** The record of which folder is whose (`users/<sub>.json`): written by the API only, never replaced. */
describe('users/ records in the synthesized stack', () => {
  let stack: Synthesized;
  before(() => {
    stack = synthDev();
  });

  const grantsOnRecords = (handler: string) =>
    stack
      .roleStatements(stack.lambda(`lockbox-dev-${handler}`).role)
      .filter((s) => (s.resources ?? []).some((r) => r.endsWith('/users/*')));

  it('lets every route create a record, only with If-None-Match, and nothing else there', () => {
    for (const route of routes) {
      const statements = grantsOnRecords(route.handler);
      expect(statements, route.handler).to.have.length(1);
      expect(statements[0]).to.deep.include({
        effect: 'Allow',
        actions: ['s3:PutObject'],
        resources: [`${stack.ref('aws_s3_bucket', 'arn')}/users/*`],
        condition: [{ test: 'Null', variable: 's3:if-none-match', values: ['false'] }],
      });
    }
  });

  it('gives the workers no access to the records', () => {
    for (const worker of workers) expect(grantsOnRecords(worker.handler), worker.handler).to.deep.equal([]);
  });

  it('lets no function read, list or delete records', () => {
    for (const { handler } of [...routes, ...workers]) {
      const statements = stack.roleStatements(stack.lambda(`lockbox-dev-${handler}`).role);
      for (const s of statements) {
        const onRecords = (s.resources ?? []).some((r) => r.includes('/users/'));
        const listsRecords = (s.condition ?? []).some((c) => c.values.some((v) => v.startsWith('users/')));
        if (onRecords) expect(s.actions, handler).to.deep.equal(['s3:PutObject']);
        expect(listsRecords, handler).to.equal(false);
      }
    }
  });
});
