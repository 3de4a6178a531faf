import { isOrigin } from '../contract/preflight';

/** The dev servers' usual ports: Vite (5173), Vite's preview (4173), create-react-app and Next.js (3000). */
const DEV_SERVER_PORTS = [5173, 4173, 3000];

/**
 * The browser origins local mode's gateway (and the handlers behind it) and S3 answer: the local system's
 * own two spellings first (the first is the one the stack would call primary), the common dev servers on
 * localhost and 127.0.0.1, then LOCKBOX_ORIGINS (comma-separated `scheme://host[:port]`). The Cognito
 * stand-ins answer every origin, as Cognito does (cognito-endpoint.ts).
 */
export function localOrigins(baseUrl: string, port: number, extra: readonly string[] = []): string[] {
  const devServers = DEV_SERVER_PORTS.flatMap((devPort) => [
    `http://localhost:${devPort}`,
    `http://127.0.0.1:${devPort}`,
  ]);
  return [...new Set([baseUrl, `http://localhost:${port}`, ...devServers, ...extra])];
}

/** LOCKBOX_ORIGINS, checked: each entry an origin as the stack takes it, or an Error naming the bad one. */
export function parseOrigins(value: string | undefined): string[] {
  const origins = (value ?? '')
    .split(',')
    .map((origin) => origin.trim())
    .filter((origin) => origin !== '');
  const bad = origins.find((origin) => !isOrigin(origin));
  if (bad !== undefined) {
    throw new Error(
      `LOCKBOX_ORIGINS: "${bad}" is not an origin (scheme://host[:port], lower-case, no path).`,
    );
  }
  return origins;
}
