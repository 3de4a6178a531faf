import { expect } from 'chai';
import { ZIP_REQUESTS_PER_MINUTE } from '../../contract/settings';
import type { SignedInUser } from '../../devtools/local-session';
import type { ApiCall } from '../../devtools/signed-fetch';
import { launchWithTwoUsers, type TwoUserSystem } from './support/two-users';

// The per-caller rate limit as a browser app meets it: npm start in its own process, signed requests,
// the deployed handlers' own limiters on the local usage table.
describe('local system: one user past their rate limit, another unaffected', function () {
  this.timeout(120_000);
  let local: TwoUserSystem;
  let alice: SignedInUser;
  let bob: SignedInUser;
  const api = (user: SignedInUser) => local.api(user);

  before(async () => {
    // The zip route at its default; the others at one a minute, so that a few requests reach it.
    local = await launchWithTwoUsers({ DELETE_REQUESTS_PER_MINUTE: '1', UPLOAD_REQUESTS_PER_MINUTE: '1' });
    ({ alice, bob } = local);
    for (const user of [alice, bob]) {
      const put = await api(user)({ method: 'PUT', path: '/file', query: { key: 'a.txt' }, body: 'a' });
      expect(put.status).to.equal(201);
    }
  });

  after(async () => {
    expect(await local?.stop()).to.equal(0);
  });

  /**
   * `count` copies of `call` at once: the statuses, the Retry-After of each 429 that has one, and how many
   * requests the bucket of `perMinute` may have let through, counting those that dripped in meanwhile
   * (bounds that hold on a slow machine too).
   */
  async function burst(user: SignedInUser, call: ApiCall, count: number, perMinute: number) {
    const started = performance.now();
    const responses = await Promise.all(Array.from({ length: count }, () => api(user)(call)));
    const dripped = Math.ceil((performance.now() - started) / (60_000 / perMinute));
    const answers = await Promise.all(
      responses.map(async (res) => ({
        status: res.status,
        retryAfter: res.headers.get('retry-after'),
        code: ((await res.json()) as { error?: { code?: string } }).error?.code,
      })),
    );
    return { answers, mostPassing: perMinute + dripped };
  }

  it('answers 50 rapid POST /zips of one user with 429 and Retry-After past the limit; the other user’s pass', async () => {
    const zip = { method: 'POST', path: '/zips', body: JSON.stringify({ keys: ['a.txt'] }) };
    const perMinute = ZIP_REQUESTS_PER_MINUTE.default;
    const { answers, mostPassing } = await burst(alice, zip, 50, perMinute);
    const limited = answers.filter((answer) => answer.retryAfter !== null);
    // Each request reads its clock before its update lands: one that read it a few ms before the request
    // that started the bucket finds the burst's last token a few ms in its future, so one fewer may pass.
    expect(limited.length, JSON.stringify(answers)).to.be.within(50 - mostPassing, 50 - perMinute + 1);
    for (const answer of limited) {
      expect(answer).to.deep.include({ status: 429, code: 'TooManyRequests' });
      expect(answer.retryAfter).to.equal(String(60 / perMinute));
    }
    // The others passed the limit: a job (202), or the cap of jobs at once (429 without Retry-After).
    for (const answer of answers.filter((a) => a.retryAfter === null)) {
      expect([202, 429]).to.include(answer.status);
    }
    const bobs = await api(bob)(zip);
    expect(bobs.status).to.equal(202);
  });

  it('limits POST /files/delete and POST /uploads the same way, per user', async () => {
    const calls: ApiCall[] = [
      { method: 'POST', path: '/files/delete', body: JSON.stringify({ keys: ['nothing-here.txt'] }) },
      {
        method: 'POST',
        path: '/uploads',
        body: JSON.stringify({ key: 'b.txt', size: 1, contentType: 'text/plain' }),
      },
    ];
    for (const call of calls) {
      const { answers, mostPassing } = await burst(alice, call, 8, 1);
      const passed = answers.filter((a) => a.status === 200);
      expect(passed.length, JSON.stringify(answers)).to.be.within(1, mostPassing);
      for (const answer of answers.filter((a) => a.status !== 200)) {
        expect(answer).to.deep.equal({ status: 429, code: 'TooManyRequests', retryAfter: '60' });
      }
      expect((await api(bob)(call)).status, call.path).to.equal(200);
    }
  });
});
