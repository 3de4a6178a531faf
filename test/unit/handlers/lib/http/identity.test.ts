import { expect } from 'chai';
import { httpHandler } from '../../../../../handlers/lib/http/handler';
import { callerIdentity } from '../../../../../handlers/lib/http/identity';
import {
  apiEvent,
  context,
  type EventParams,
  IDENTITY_POOL_ID,
  identityId,
  ORIGIN,
} from '../../../../support/events';
import { logTo } from '../../../../support/log-lines';

describe('caller identity: an authenticated identity of this stack pool, or nothing', () => {
  const user = identityId();

  it('returns the id of an authenticated identity of the pool', () => {
    expect(callerIdentity(apiEvent({ identityId: user }), IDENTITY_POOL_ID)).to.equal(user);
  });

  const refused: Record<string, EventParams> = {
    'an unauthenticated (guest) identity': { identityId: user, authenticationType: 'unauthenticated' },
    'no authentication type': { identityId: user, authenticationType: null },
    'an authentication type in another case': { identityId: user, authenticationType: 'Authenticated' },
    "another pool's identity": {
      identityId: user,
      identityPoolId: 'eu-west-1:11111111-2222-4333-8444-555555555555',
    },
    'no identity pool': { identityId: user, identityPoolId: null },
    "an id from another region than the pool's": { identityId: identityId('us-east-1') },
    "an id whose region only starts like the pool's": { identityId: identityId('eu-west-12') },
    'no identity id': { identityId: null },
    'a malformed identity id': { identityId: 'eu-west-1:not-a-uuid' },
  };
  for (const [what, params] of Object.entries(refused)) {
    it(`refuses ${what}`, () => {
      expect(() => callerIdentity(apiEvent(params), IDENTITY_POOL_ID)).to.throw('no valid caller identity');
    });
  }

  it('refuses every identity when the setting names no pool of the same region', () => {
    const otherRegionPool = 'us-east-1:00000000-0000-4000-8000-00000000c0de';
    const event = apiEvent({ identityId: user, identityPoolId: otherRegionPool });
    expect(() => callerIdentity(event, otherRegionPool)).to.throw('no valid caller identity');
  });

  describe('in the HTTP wrapper', () => {
    function wrapped() {
      const lines: string[] = [];
      const served: string[] = [];
      const recorded: string[] = [];
      const handler = httpHandler(
        'GET /files',
        {
          allowedOrigins: [ORIGIN],
          identityPoolId: IDENTITY_POOL_ID,
          log: logTo(lines),
          recordCaller: async (_event, id) => recorded.push(id),
        },
        async ({ identityId: id }) => {
          served.push(id);
          return { status: 200, body: { ok: true } };
        },
      );
      return { handler, lines, served, recorded };
    }

    for (const [what, params] of Object.entries(refused)) {
      it(`answers ${what} with 403 Unauthorized, runs nothing and logs no id`, async () => {
        const { handler, lines, served, recorded } = wrapped();
        const res = await handler(apiEvent(params), context);
        expect(res.statusCode).to.equal(403);
        expect(JSON.parse(res.body)).to.deep.equal({
          error: { code: 'Unauthorized', message: 'The request carries no valid caller identity.' },
        });
        expect(res.headers).to.include({ 'Access-Control-Allow-Origin': ORIGIN });
        expect(served).to.deep.equal([]);
        expect(recorded).to.deep.equal([]);
        expect(lines).to.have.length(1);
        expect(JSON.parse(lines[0] as string)).to.include({ identityId: null, status: 403 });
        expect(lines[0]).not.to.include(user);
      });
    }

    it('serves an authenticated identity of the pool', async () => {
      const { handler, served, recorded } = wrapped();
      const res = await handler(apiEvent({ identityId: user }), context);
      expect(res.statusCode).to.equal(200);
      expect(served).to.deep.equal([user]);
      expect(recorded).to.deep.equal([user]);
    });
  });
});
