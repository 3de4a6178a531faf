/**
 * The media type of a file stored without one (PUT /file without Content-Type, an upload that names
 * none): handlers store and report it (handlers/lib/files/content-type.ts, info.ts), the client sends it
 * by default (generated into packages/client/contract-facts.ts).
 */
export const DEFAULT_CONTENT_TYPE = 'application/octet-stream';
