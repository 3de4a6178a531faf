// npm run bench:api: N concurrent signed clients for T seconds against the local system (`npm start`, in
// a process of its own on free ports), on a mixed workload: list 40 %, get 30 %, small put 20 %,
// delete 10 %. Flags: --clients 50 --seconds 10 --users 10 (clients share the users' credentials),
// --no-retries (aws4fetch otherwise retries a 5xx or 429 up to 10 times, which hides them).
// Prints requests/s, p50/p99 latency, errors (must be 0) by kind (the unexpected status, or `network`
// for a request that got no answer) and the gateway's own time per request
// (signature check, event building, response mapping: the Server-Timing header's `gateway` entry)
// against the handler's (`handler`, the time calling the handler directly takes); the last line is one
// JSON object with those figures. Traffic goes to 127.0.0.1 only, and every loop ends at the deadline.
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { adminClient, newSignedInUser } from '../devtools/local-session';
import { type ApiCall, type ApiFetch, signedFetch } from '../devtools/signed-fetch';
import { launchLocalSystem } from '../local/launch';

type Operation = 'list' | 'get' | 'put' | 'delete';
const MIX: readonly [Operation, number][] = [
  ['list', 0.4],
  ['get', 0.3],
  ['put', 0.2],
  ['delete', 0.1],
];
const EXPECTED: Record<Operation, number> = { list: 200, get: 200, put: 201, delete: 204 };
const BODY = new Uint8Array(1024).fill(97);

interface Sample {
  readonly operation: Operation;
  readonly ms: number;
  readonly ok: boolean;
  /** The status, or `network` when the request got no answer. */
  readonly outcome: string;
  readonly gatewayMs?: number;
  readonly handlerMs?: number;
}

function options() {
  const { values } = parseArgs({
    options: {
      clients: { type: 'string', default: '50' },
      seconds: { type: 'string', default: '10' },
      users: { type: 'string', default: '10' },
      'no-retries': { type: 'boolean', default: false },
    },
  });
  const positive = (name: keyof typeof values) => {
    const value = Number(values[name]);
    if (!Number.isInteger(value) || value < 1) throw new Error(`--${name} must be a positive integer`);
    return value;
  };
  return {
    clients: positive('clients'),
    seconds: positive('seconds'),
    users: positive('users'),
    retries: values['no-retries'] ? 0 : undefined,
  };
}

function pick(random: number): Operation {
  let sum = 0;
  for (const [operation, weight] of MIX) {
    sum += weight;
    if (random < sum) return operation;
  }
  return 'list';
}

/** `gateway;dur=0.41, handler;dur=3.20` → { gateway: 0.41, handler: 3.2 } */
function serverTiming(header: string | null): Record<string, number> {
  const timings: Record<string, number> = {};
  for (const entry of (header ?? '').split(',')) {
    const match = /^\s*([\w-]+);dur=([\d.]+)\s*$/.exec(entry);
    if (match) timings[match[1]] = Number(match[2]);
  }
  return timings;
}

/** One client: its own folder, requests one after another until the deadline. */
async function client(api: ApiFetch, id: number, deadline: number, samples: Sample[]): Promise<void> {
  const keys: string[] = [];
  let next = 0;
  while (performance.now() < deadline) {
    let operation = pick(Math.random());
    if ((operation === 'get' || operation === 'delete') && keys.length === 0) operation = 'put';
    const key =
      operation === 'put'
        ? `bench/c${id}/f${next++}.txt`
        : operation === 'list'
          ? ''
          : keys[Math.floor(Math.random() * keys.length)];
    const started = performance.now();
    let response: Response;
    try {
      response = await api(request(operation, key, id));
      await response.arrayBuffer();
    } catch {
      samples.push({ operation, ms: performance.now() - started, ok: false, outcome: 'network' });
      continue;
    }
    const ms = performance.now() - started;
    const ok = response.status === EXPECTED[operation];
    if (ok && operation === 'put') keys.push(key);
    if (ok && operation === 'delete') keys.splice(keys.indexOf(key), 1);
    const timing = serverTiming(response.headers.get('server-timing'));
    samples.push({
      operation,
      ms,
      ok,
      outcome: String(response.status),
      gatewayMs: timing.gateway,
      handlerMs: timing.handler,
    });
  }
}

function request(operation: Operation, key: string, id: number): ApiCall {
  switch (operation) {
    case 'list':
      return { method: 'GET', path: '/files', query: { prefix: `bench/c${id}/` } };
    case 'get':
      return { method: 'GET', path: '/file', query: { key } };
    case 'put':
      return {
        method: 'PUT',
        path: '/file',
        query: { key },
        body: BODY,
        headers: { 'content-type': 'text/plain' },
      };
    case 'delete':
      return { method: 'DELETE', path: '/file', query: { key } };
  }
}

function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

/** `['put 502', 'put 502', 'get network']` → { 'put 502': 2, 'get network': 1 } */
function countBy(values: readonly string[]): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

const round = (value: number, digits = 2) => Number(value.toFixed(digits));

async function main(): Promise<void> {
  const { clients, seconds, users, retries } = options();
  const dataDir = await mkdtemp(join(tmpdir(), 'lockbox-bench-api-'));
  const system = await launchLocalSystem({ dataDir });
  try {
    const admin = adminClient(system.config, system.admin);
    const signedIn = [];
    for (let i = 0; i < Math.min(users, clients); i++) {
      signedIn.push(
        await newSignedInUser(admin, system.config, `bench-${i}@example.com`, 'Bench-Password-1!'),
      );
    }
    const apis = signedIn.map((user) =>
      signedFetch(system.config.api_url, system.config.region, user.credentials, 'aws4fetch', { retries }),
    );
    console.log(
      `${clients} clients, ${signedIn.length} users, ${seconds} s against ${system.config.api_url}${retries === 0 ? ', no retries' : ''}`,
    );
    const samples: Sample[] = [];
    const started = performance.now();
    const deadline = started + seconds * 1000;
    await Promise.all(
      Array.from({ length: clients }, (_, i) => client(apis[i % apis.length], i, deadline, samples)),
    );
    const elapsed = (performance.now() - started) / 1000;

    const latencies = samples.map((s) => s.ms);
    const gateway = samples.flatMap((s) => (s.gatewayMs === undefined ? [] : [s.gatewayMs]));
    const handler = samples.flatMap((s) => (s.handlerMs === undefined ? [] : [s.handlerMs]));
    const result = {
      clients,
      seconds: round(elapsed, 1),
      requests: samples.length,
      requestsPerSecond: round(samples.length / elapsed, 1),
      p50Ms: round(percentile(latencies, 50)),
      p99Ms: round(percentile(latencies, 99)),
      errors: samples.filter((s) => !s.ok).length,
      errorsByKind: countBy(samples.filter((s) => !s.ok).map((s) => `${s.operation} ${s.outcome}`)),
      gatewayP50Ms: round(percentile(gateway, 50), 3),
      gatewayP99Ms: round(percentile(gateway, 99), 3),
      handlerP50Ms: round(percentile(handler, 50), 3),
      gatewayToHandlerRatio: round(percentile(gateway, 50) / percentile(handler, 50), 3),
    };
    for (const [operation] of MIX) {
      const own = samples.filter((s) => s.operation === operation).map((s) => s.ms);
      console.log(
        `${operation.padEnd(6)} ${String(own.length).padStart(7)} requests  p50 ${round(percentile(own, 50))} ms  p99 ${round(percentile(own, 99))} ms`,
      );
    }
    console.log(
      `${result.requestsPerSecond} requests/s, p50 ${result.p50Ms} ms, p99 ${result.p99Ms} ms, ${result.errors} errors${result.errors > 0 ? ` (${JSON.stringify(result.errorsByKind)})` : ''}; gateway ${result.gatewayP50Ms} ms (p50) per request vs handler ${result.handlerP50Ms} ms`,
    );
    console.log(JSON.stringify(result));
    if (result.errors > 0) process.exitCode = 1;
  } finally {
    await system.stop();
    await rm(dataDir, { recursive: true, force: true });
  }
}

main().catch((error) => {
  console.error(error);
  process.exit(1);
});
