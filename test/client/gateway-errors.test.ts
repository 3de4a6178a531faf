import { expect } from 'chai';
import { GATEWAY_ERRORS } from '../../contract/gateway-errors';
import { gatewayReply } from '../../local/gateway/gateway-responses';
import {
  GATEWAY_FAULT,
  INTEGRATION_TIMEOUT,
  LAMBDA_FAILED,
  NO_ROUTE,
  type Refusal,
  sigV4Refusal,
  THROTTLED,
  TOO_LARGE,
} from '../../local/gateway/refusals';
import type { SigV4Failure } from '../../local/sigv4/verify';
import { SIGV4_ERRORS } from '../../local/user-pool/handler';
import { apiErrorCode, GATEWAY_ERROR_CODES } from '../../packages/client/index';

/** What Amplify v6 throws for an error answer: ApiError named after x-amzn-ErrorType, the body as text. */
function amplifyError(name: string, statusCode: number, body: string) {
  return Object.assign(new Error('failed'), { name, response: { statusCode, headers: {}, body } });
}

describe("API Gateway's own error types, mapped to the API's codes", () => {
  const refusals: Refusal[] = [
    ...(Object.keys(SIGV4_ERRORS) as SigV4Failure[]).map((reason) => sigV4Refusal(reason, 'refused')),
    NO_ROUTE,
    TOO_LARGE,
    LAMBDA_FAILED,
    INTEGRATION_TIMEOUT,
    GATEWAY_FAULT,
    THROTTLED,
  ];

  it('gives every refusal the code its gateway response puts in the body', () => {
    for (const refusal of refusals) {
      const reply = gatewayReply(refusal, 'req-1', () => undefined);
      const type = reply.headers.find(([name]) => name === 'x-amzn-ErrorType')?.[1] ?? '';
      const body = JSON.parse(String(reply.body)) as { error: { code: string } };
      expect(GATEWAY_ERROR_CODES[type], type).to.equal(body.error.code);
    }
  });

  it('maps the types API Gateway gives where lockbox never runs locally (IAM deny, quota, no resource)', () => {
    const codeOf = (responseType: string) =>
      GATEWAY_ERRORS.find((e) => e.responseType === responseType)?.code;
    expect(GATEWAY_ERROR_CODES.AccessDeniedException).to.equal(codeOf('ACCESS_DENIED'));
    expect(GATEWAY_ERROR_CODES.LimitExceededException).to.equal(codeOf('QUOTA_EXCEEDED'));
    expect(GATEWAY_ERROR_CODES.NotFoundException).to.equal(codeOf('RESOURCE_NOT_FOUND'));
  });

  it("reads an Amplify ApiError's code from the body, else from its name", () => {
    const body = JSON.stringify({
      error: { code: 'Unauthorized', message: 'The credentials have expired.' },
    });
    expect(apiErrorCode(amplifyError('ExpiredTokenException', 403, body))).to.equal('Unauthorized');
    expect(apiErrorCode(amplifyError('ExpiredTokenException', 403, '<html>'))).to.equal('Unauthorized');
    expect(apiErrorCode(amplifyError('TooManyRequestsException', 429, ''))).to.equal('TooManyRequests');
    expect(apiErrorCode(amplifyError('NotFound', 404, '{}'))).to.equal('NotFound');
    expect(apiErrorCode(new Error('network'))).to.equal(undefined);
    expect(apiErrorCode(undefined)).to.equal(undefined);
  });
});
