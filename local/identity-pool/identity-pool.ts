import { randomUUID } from 'node:crypto';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CredentialRegistry } from '../credentials/registry';
import { type SigningCredentials, verifySigV4 } from '../sigv4/verify';
import { SIGV4_ERRORS } from '../user-pool/handler';
import { type UserPoolTrust, verifyIdToken } from './id-token';
import { openIdentityStore } from './identity-store';
import { IdentityPoolError, sendError, sendResult } from './json-protocol';
import { newAccessKeyId, newSecretAccessKey, newSessionToken } from './new-credentials';
import { deleteIdentitiesInput, getCredentialsInput, getIdInput, type Logins, parseBody } from './requests';

export interface IdentityPoolOptions {
  readonly region: string;
  /** `<region>:<uuid>`, as Cognito's. */
  readonly identityPoolId: string;
  readonly userPool: UserPoolTrust;
  /** The local administrator's credentials: DeleteIdentities must be SigV4-signed with them, as in AWS. */
  readonly adminCredentials: SigningCredentials;
  /** Where issued credentials go; the gateway looks keys up in it. */
  readonly registry: CredentialRegistry;
  /** Where identities and issued credentials are kept across restarts. */
  readonly dataDir: string;
  /** Lifetime of issued credentials. @default 3600 (Cognito's) */
  readonly credentialsTtlSeconds?: number;
  /** Where faults of the stand-in itself are reported. @default console.error */
  readonly log?: (line: string) => void;
  /** @default Date.now */
  readonly now?: () => number;
}

export interface IdentityPool {
  /** Answers one POST (JSON 1.1; unsigned as in AWS, but for the admin call) whose body the caller has read. */
  handle(req: IncomingMessage, body: Buffer, res: ServerResponse): Promise<void>;
}

const TARGET_PREFIX = 'AWSCognitoIdentityService.';

/**
 * The Cognito identity pool stand-in: the two calls a signed-in browser makes, `GetId` and
 * `GetCredentialsForIdentity` (enhanced flow), for the one user pool and app client the stack's pool
 * trusts, and the operator's `DeleteIdentities` (the admin CLI's purge). No guests: the stack's pool
 * allows no unauthenticated identities.
 */
export function createIdentityPool(options: IdentityPoolOptions): IdentityPool {
  const { region, identityPoolId, userPool, registry } = options;
  const now = options.now ?? Date.now;
  const log = options.log ?? console.error;
  const ttlMs = (options.credentialsTtlSeconds ?? 3600) * 1000;
  const store = openIdentityStore({ dataDir: options.dataDir, region, registry, now });
  // The Logins key is the token issuer without its scheme, as Amplify and the SDK build it.
  const providerName = userPool.issuer.replace(/^https?:\/\//, '');

  /** The `sub` of the one login the pool accepts. */
  function signedInSub(logins: Logins | undefined): string {
    const entries = Object.entries(logins ?? {});
    if (entries.length === 0) {
      throw new IdentityPoolError(
        'NotAuthorizedException',
        'Unauthenticated access is not supported for this identity pool.',
      );
    }
    const token = logins?.[providerName];
    if (token === undefined || entries.length > 1) {
      throw new IdentityPoolError(
        'NotAuthorizedException',
        'Token is not from a supported provider of this identity pool.',
      );
    }
    return verifyIdToken(token, userPool, now());
  }

  function getId(body: Record<string, unknown>): unknown {
    const input = getIdInput(body);
    if (input.identityPoolId !== identityPoolId) {
      throw new IdentityPoolError(
        'ResourceNotFoundException',
        `IdentityPool '${input.identityPoolId}' not found.`,
      );
    }
    return { IdentityId: store.identityIdFor(signedInSub(input.logins)) };
  }

  function getCredentialsForIdentity(body: Record<string, unknown>): unknown {
    const input = getCredentialsInput(body);
    const sub = signedInSub(input.logins);
    const owner = store.subOf(input.identityId);
    if (owner === undefined) {
      throw new IdentityPoolError('ResourceNotFoundException', `Identity '${input.identityId}' not found.`);
    }
    if (owner !== sub) {
      throw new IdentityPoolError(
        'NotAuthorizedException',
        "Logins don't match. Please include at least one valid login for this identity or identity pool.",
      );
    }
    // Whole seconds, so that the Expiration the client sees and the gateway's check agree exactly.
    const expirationSeconds = Math.floor((now() + ttlMs) / 1000);
    const credentials = {
      accessKeyId: newAccessKeyId(),
      secretAccessKey: newSecretAccessKey(),
      sessionToken: newSessionToken(),
      expiresAt: expirationSeconds * 1000,
      identity: {
        identityId: input.identityId,
        identityPoolId,
        sub,
        userPoolId: userPool.poolId,
        authenticationType: 'authenticated' as const,
      },
    };
    store.recordCredentials(credentials);
    return {
      IdentityId: input.identityId,
      Credentials: {
        AccessKeyId: credentials.accessKeyId,
        SecretKey: credentials.secretAccessKey,
        SessionToken: credentials.sessionToken,
        // Epoch seconds as a number: milliseconds or an ISO string break the SDKs.
        Expiration: expirationSeconds,
      },
    };
  }

  /**
   * Removes identities from the pool, as Cognito does: a later sign-in of the same user gets a new id.
   * Credentials already issued stay valid until they expire (Cognito cannot revoke them either). An id
   * the pool does not hold is no error.
   */
  function deleteIdentities(body: Record<string, unknown>): unknown {
    for (const identityId of deleteIdentitiesInput(body)) store.deleteIdentity(identityId);
    return { UnprocessedIdentityIds: [] };
  }

  const operations = new Map<string, (body: Record<string, unknown>) => unknown>([
    ['GetId', getId],
    ['GetCredentialsForIdentity', getCredentialsForIdentity],
    ['DeleteIdentities', deleteIdentities],
  ]);
  /** Operations that need AWS developer credentials: here the local administrator's. */
  const adminOperations = new Set(['DeleteIdentities']);
  const admin = options.adminCredentials;
  const checkAdmin = (req: IncomingMessage, body: Buffer) =>
    verifySigV4(
      { method: req.method ?? 'POST', url: req.url ?? '/', rawHeaders: req.rawHeaders, body },
      {
        service: 'cognito-identity',
        region,
        lookup: (accessKeyId) => (accessKeyId === admin.accessKeyId ? admin : undefined),
        uriEscapePath: true,
        now,
      },
    );

  return {
    async handle(req, body, res) {
      const requestId = randomUUID();
      try {
        const target = req.headers['x-amz-target'];
        const name =
          req.method === 'POST' && typeof target === 'string' && target.startsWith(TARGET_PREFIX)
            ? target.slice(TARGET_PREFIX.length)
            : '';
        const operation = operations.get(name);
        if (operation === undefined) {
          throw new IdentityPoolError('UnknownOperationException', 'Unknown operation.');
        }
        if (adminOperations.has(name)) {
          const verdict = await checkAdmin(req, body);
          if (!verdict.ok) {
            const [type, status] = SIGV4_ERRORS[verdict.reason];
            throw new IdentityPoolError(type, verdict.message, status);
          }
        }
        sendResult(res, requestId, operation(parseBody(body)));
      } catch (error) {
        if (error instanceof IdentityPoolError) return sendError(res, requestId, error);
        // A fault of ours (e.g. the data folder): logged here, named by request id only in the answer.
        log(`identity-pool: internal error, request ${requestId}: ${String(error)}`);
        sendError(
          res,
          requestId,
          new IdentityPoolError('InternalErrorException', `Internal error. Request id: ${requestId}`, 500),
        );
      }
    },
  };
}
