/** Wires the client together from the frontend config: Cognito, the session, the signed API, uploads. */
import { createApi } from './api.js';
import { createAuth } from './auth/auth.js';
import { IdentityPool } from './auth/identity-pool.js';
import { Session } from './auth/session.js';
import { defaultStorage, type SessionStorage } from './auth/storage.js';
import { UserPool } from './auth/user-pool.js';
import type { LockboxConfig } from './config.js';
import { deleteFile, deleteFiles, getFile, listFiles, putFile } from './files.js';
import type { LockboxClient } from './lockbox-client.js';
import { getTransfer, transfer } from './transfers.js';
import { deleteFileVersion, getUsage, listDeletedFiles, listFileVersions, restoreFiles } from './undo.js';
import { browserXhr, fetchPut, xhrPut } from './uploads/put-bytes.js';
import { upload } from './uploads/upload.js';
import { getZip, listZips, zip } from './zips.js';

export interface ClientOptions {
  /** Where the session is kept: localStorage in a browser, memory in Node by default. */
  readonly storage?: SessionStorage;
  /** Replaces the global fetch for every request (tests inject failures through it); uploads then use it too. */
  readonly fetch?: typeof fetch;
  /** Milliseconds since the epoch; tests move time with it. */
  readonly now?: () => number;
  /** How many parts of one upload travel at once (default 4). */
  readonly partConcurrency?: number;
}

export function createLockboxClient(config: LockboxConfig, options: ClientOptions = {}): LockboxClient {
  // Called through a wrapper so that a browser's fetch is never invoked with another `this`.
  const fetchImpl: typeof fetch = options.fetch ?? ((input, init) => fetch(input, init));
  const now = options.now ?? Date.now;
  const userPool = new UserPool(config, fetchImpl, now);
  const identityPool = new IdentityPool(config, fetchImpl);
  const session = new Session(
    userPool,
    identityPool,
    options.storage ?? defaultStorage(),
    now,
    config.user_pool_client_id,
  );
  const api = createApi(config.api_url, config.region, () => session.credentials(), fetchImpl);
  const XMLHttpRequest = options.fetch === undefined ? browserXhr() : undefined;
  const uploads = {
    api,
    put: XMLHttpRequest === undefined ? fetchPut(fetchImpl) : xhrPut(XMLHttpRequest),
    partConcurrency: options.partConcurrency ?? 4,
  };
  return {
    auth: createAuth(userPool, session),
    listFiles: (list) => listFiles(api, list),
    getFile: (key) => getFile(api, key),
    putFile: (key, body, contentType) => putFile(api, key, body, contentType),
    deleteFile: (key) => deleteFile(api, key),
    deleteFiles: (keys) => deleteFiles(api, keys),
    upload: (body, uploadOptions) => upload(uploads, body, uploadOptions),
    zip: (keys, zipOptions) => zip(api, keys, zipOptions),
    getZip: (id) => getZip(api, id),
    listZips: (options) => listZips(api, options),
    listDeletedFiles: (options) => listDeletedFiles(api, options),
    listFileVersions: (key) => listFileVersions(api, key),
    restoreFiles: (items) => restoreFiles(api, items),
    deleteFileVersion: (key, versionId) => deleteFileVersion(api, key, versionId),
    getUsage: () => getUsage(api),
    copy: (from, to, transferOptions) => transfer(api, 'copy', from, to, transferOptions),
    move: (from, to, transferOptions) => transfer(api, 'move', from, to, transferOptions),
    getTransfer: (id) => getTransfer(api, id),
  };
}
