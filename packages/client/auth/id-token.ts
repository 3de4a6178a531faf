/** The few ID-token claims the client reads. The token is not verified here: the identity pool does that. */
export interface IdClaims {
  readonly sub: string;
  readonly email: string;
  readonly username: string;
  /** Milliseconds since the epoch. */
  readonly expiresAt: number;
}

export function readIdToken(token: string): IdClaims {
  const payload = token.split('.')[1] ?? '';
  const base64 = payload.replace(/-/g, '+').replace(/_/g, '/');
  const bytes = Uint8Array.from(atob(base64), (c) => c.charCodeAt(0));
  const claims = JSON.parse(new TextDecoder().decode(bytes)) as Record<string, unknown>;
  return {
    sub: String(claims.sub),
    email: String(claims.email ?? ''),
    username: String(claims['cognito:username'] ?? claims.sub),
    expiresAt: Number(claims.exp) * 1000,
  };
}
