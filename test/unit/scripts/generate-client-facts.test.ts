import { readFileSync } from 'node:fs';
import { expect } from 'chai';
import { DEFAULT_CONTENT_TYPE } from '../../../contract/content-type';
import { GATEWAY_ERRORS, type GatewayError } from '../../../contract/gateway-errors';
import { IDEMPOTENCY_KEY_HEADER } from '../../../contract/preflight';
import { MAX_PARTS_PER_SIGNING, MAX_RESTORE_ITEMS } from '../../../contract/request-limits';
import { MAX_PUT_FILE_BYTES, UPLOAD_MULTIPART_THRESHOLD_BYTES } from '../../../contract/settings';
import * as facts from '../../../packages/client/contract-facts';
import { CLIENT_FACTS_FILE, clientFactsSource, contractFacts } from '../../../scripts/generate-client-facts';

const error = (responseType: string, errorTypes: string[], code: string, statusCode?: string) =>
  ({ responseType, errorTypes, code, statusCode, message: 'm' }) satisfies GatewayError;

describe('scripts/generate-client-facts.ts', () => {
  it('the committed packages/client/contract-facts.ts is what contract/ generates', () => {
    expect(readFileSync(CLIENT_FACTS_FILE, 'utf8')).to.equal(clientFactsSource(contractFacts()));
  });

  it("gives the client contract/'s limits, header name and default media type", () => {
    expect(facts.MAX_PUT_FILE_BYTES).to.equal(MAX_PUT_FILE_BYTES);
    expect(facts.DEFAULT_MULTIPART_THRESHOLD_BYTES).to.equal(UPLOAD_MULTIPART_THRESHOLD_BYTES.default);
    expect(facts.MAX_PARTS_PER_SIGNING).to.equal(MAX_PARTS_PER_SIGNING);
    expect(facts.MAX_RESTORE_ITEMS).to.equal(MAX_RESTORE_ITEMS);
    expect(facts.IDEMPOTENCY_KEY_HEADER).to.equal(IDEMPOTENCY_KEY_HEADER);
    expect(facts.DEFAULT_CONTENT_TYPE).to.equal(DEFAULT_CONTENT_TYPE);
  });

  it("maps every gateway response's error types, and its status, to its code", () => {
    const codes: Record<string, string> = facts.GATEWAY_ERROR_CODES;
    const statuses: Record<string, string> = facts.GATEWAY_STATUS_CODES;
    for (const { errorTypes, code, statusCode } of GATEWAY_ERRORS) {
      for (const type of errorTypes) expect(codes[type], type).to.equal(code);
      if (statusCode !== undefined) expect(statuses[statusCode], statusCode).to.equal(code);
    }
    const types = GATEWAY_ERRORS.flatMap((e) => e.errorTypes);
    expect(Object.keys(codes)).to.have.members(types);
  });

  it('refuses a table where one error type or one status stands for two codes', () => {
    const base = { ...contractFacts(), gatewayErrors: [] };
    const twoTypes = [error('A', ['XException'], 'Unauthorized'), error('B', ['XException'], 'NotFound')];
    expect(() => clientFactsSource({ ...base, gatewayErrors: twoTypes })).to.throw(/XException/);
    const twoStatuses = [error('A', [], 'Unauthorized', '403'), error('B', [], 'NotFound', '403')];
    expect(() => clientFactsSource({ ...base, gatewayErrors: twoStatuses })).to.throw(/403/);
  });

  it('refuses a name that would need escaping in the generated literal', () => {
    const facts = { ...contractFacts(), idempotencyKeyHeader: "Idem'potency" };
    expect(() => clientFactsSource(facts)).to.throw(/Not a plain name/);
  });
});
