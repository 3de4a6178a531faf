import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2020, { type ErrorObject, type ValidateFunction } from 'ajv/dist/2020';
import addFormats from 'ajv-formats';
import type { APIGatewayProxyResult } from 'aws-lambda';
import { expect } from 'chai';
import { parse } from 'yaml';

/**
 * The API contract as docs/openapi.yaml states it, for tests: which routes exist, and whether a handler's
 * real response (status and body) is one the document allows. Schemas compile with ajv's JSON Schema
 * 2020-12 dialect, which OpenAPI 3.1 uses, in strict mode so that a misspelt keyword fails loudly.
 */

const OPENAPI_PATH = join(__dirname, '..', '..', 'docs', 'openapi.yaml');
const DOCUMENT = 'docs/openapi.yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
// The id under which the document's component schemas are registered; refs are rewritten to point here.
const COMPONENTS_ID = 'lockbox-openapi';
const SCHEMA_REF = '#/components/schemas/';
const JSON_MEDIA_TYPE = 'application/json';

type Json = null | boolean | number | string | Json[] | { [key: string]: Json };
type JsonObject = { [key: string]: Json };

interface ResponseObject {
  readonly headers?: Record<string, HeaderObject | Ref>;
  readonly content?: Record<string, { readonly schema?: JsonObject }>;
}

interface HeaderObject {
  readonly required?: boolean;
  readonly schema?: JsonObject;
}

interface OpenApiDocument {
  readonly paths: Record<string, Record<string, { responses: Record<string, ResponseObject | Ref> }>>;
  readonly components: {
    readonly schemas: Record<string, JsonObject>;
    readonly responses?: Record<string, ResponseObject>;
    readonly headers?: Record<string, HeaderObject>;
  };
}

interface Ref {
  readonly $ref: string;
}

export interface ContractRoute {
  /** Upper case, as in the route table. */
  readonly method: string;
  /** As in the document and the route table, e.g. `/zips/{id}`. */
  readonly path: string;
  /** The documented response statuses. */
  readonly statuses: readonly number[];
}

let loaded: { document: OpenApiDocument; ajv: Ajv2020 } | undefined;
const validators = new Map<string, ValidateFunction | null>();

function contract(): { document: OpenApiDocument; ajv: Ajv2020 } {
  if (loaded) return loaded;
  const document = parse(readFileSync(OPENAPI_PATH, 'utf8')) as OpenApiDocument;
  const ajv = new Ajv2020({ strict: true, allErrors: true, discriminator: true });
  addFormats(ajv);
  ajv.addSchema({
    $id: COMPONENTS_ID,
    $defs: forAjv(document.components.schemas, document.components.schemas),
  });
  loaded = { document, ajv };
  return loaded;
}

/**
 * A schema as ajv takes it: `#/components/schemas/X` refs point at the registered components, and
 * discriminators lose their `mapping`, which ajv does not support: it derives the mapping from each
 * branch's `const` or `enum`, so the document's mapping is checked to agree with that first.
 */
function forAjv<T extends Json>(schema: T, components: Record<string, JsonObject>): T {
  if (Array.isArray(schema)) return schema.map((item) => forAjv(item, components)) as T;
  if (schema === null || typeof schema !== 'object') return schema;
  const result: JsonObject = {};
  for (const [name, value] of Object.entries(schema)) {
    if (name === '$ref' && typeof value === 'string' && value.startsWith(SCHEMA_REF)) {
      result.$ref = `${COMPONENTS_ID}#/$defs/${value.slice(SCHEMA_REF.length)}`;
    } else if (name === 'discriminator' && isObject(value)) {
      const { mapping, ...rest } = value;
      if (isObject(mapping)) checkMapping(String(value.propertyName), mapping, components);
      result.discriminator = rest;
    } else {
      result[name] = forAjv(value, components);
    }
  }
  return result as T;
}

function isObject(value: Json | undefined): value is JsonObject {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** Each mapped tag value must be one that its target schema's discriminating property accepts. */
function checkMapping(property: string, mapping: JsonObject, components: Record<string, JsonObject>): void {
  for (const [tag, ref] of Object.entries(mapping)) {
    const target = components[String(ref).slice(SCHEMA_REF.length)];
    const tagSchema = isObject(target?.properties) ? target.properties[property] : undefined;
    const accepted = isObject(tagSchema)
      ? [tagSchema.const, ...(Array.isArray(tagSchema.enum) ? tagSchema.enum : [])]
      : [];
    if (!accepted.includes(tag)) {
      throw new Error(
        `${DOCUMENT}: discriminator maps "${tag}" to ${ref}, whose "${property}" does not accept it`,
      );
    }
  }
}

/** Every route the document describes, sorted by path then method. */
export function contractRoutes(): ContractRoute[] {
  const { document } = contract();
  return Object.entries(document.paths)
    .flatMap(([path, item]) =>
      METHODS.filter((method) => item[method] !== undefined).map((method) => ({
        method: method.toUpperCase(),
        path,
        statuses: Object.keys(item[method].responses).map(Number),
      })),
    )
    .sort((a, b) => a.path.localeCompare(b.path) || a.method.localeCompare(b.method));
}

/** The documented path that `path` names: a template itself (`/zips/{id}`) or a concrete path (`/zips/abc`). */
function documentedPath(method: string, path: string): string {
  const routes = contractRoutes().filter((route) => route.method === method.toUpperCase());
  const exact = routes.find((route) => route.path === path);
  if (exact) return exact.path;
  const matching = routes.find((route) => templatePattern(route.path).test(path));
  if (matching) return matching.path;
  return expect.fail(
    `${method} ${path} is not in ${DOCUMENT}; it has ${routes.map((r) => r.path).join(', ') || 'no such method'}`,
  );
}

function templatePattern(template: string): RegExp {
  const escaped = template.replace(/[.*+?^$()|[\]\\]/g, '\\$&').replace(/\{[^}/]+\}/g, '[^/]+');
  return new RegExp(`^${escaped}$`);
}

/** A `#/components/<kind>/X` object, or the object itself when it is not a ref. */
function resolve<T extends object>(kind: 'responses' | 'headers', value: T | Ref): T {
  if (!('$ref' in value)) return value;
  const resolved = contract().document.components[kind]?.[value.$ref.replace(`#/components/${kind}/`, '')];
  if (!resolved) throw new Error(`${DOCUMENT}: unresolved ${value.$ref}`);
  return resolved as T;
}

/** One documented response, named `METHOD /template STATUS`; fails the test when it is not documented. */
function documentedResponse(method: string, path: string, status: number) {
  const template = documentedPath(method, path);
  const id = `${method.toUpperCase()} ${template} ${status}`;
  const responses = contract().document.paths[template][method.toLowerCase()].responses;
  const response = responses[String(status)];
  if (response === undefined) {
    return expect.fail(
      `${id}: status ${status} is not documented; ${template} answers ${Object.keys(responses)}`,
    );
  }
  return { id, response: resolve<ResponseObject>('responses', response) };
}

/**
 * The compiled schema of one documented response's JSON body, or null for a response without a body.
 * Fails the test when the route or the status is not documented.
 */
export function responseValidator(method: string, path: string, status: number): ValidateFunction | null {
  const { document, ajv } = contract();
  const { id, response } = documentedResponse(method, path, status);
  const cached = validators.get(id);
  if (cached !== undefined) return cached;
  const { content } = response;
  if (content !== undefined && !(JSON_MEDIA_TYPE in content)) {
    throw new Error(`${id}: only ${JSON_MEDIA_TYPE} responses are supported`);
  }
  const schema = content?.[JSON_MEDIA_TYPE]?.schema;
  const validator = schema === undefined ? null : ajv.compile(forAjv(schema, document.components.schemas));
  validators.set(id, validator);
  return validator;
}

/** A validator for one component schema by name, e.g. `CreateUploadRequest`. */
export function schemaValidator(name: string): ValidateFunction {
  const { ajv } = contract();
  const validator = ajv.getSchema(`${COMPONENTS_ID}#/$defs/${name}`);
  if (!validator) throw new Error(`${DOCUMENT} has no schema ${name}`);
  return validator;
}

/** The names of the document's component schemas. */
export function contractSchemaNames(): string[] {
  return Object.keys(contract().document.components.schemas);
}

/**
 * Fails unless the document allows this status and body for this route. `body` is a handler's raw
 * `body` string (JSON, or empty for none) or an already parsed value.
 */
export function expectMatchesContract(method: string, path: string, statusCode: number, body: unknown): void {
  const validator = responseValidator(method, path, statusCode);
  const route = `${method.toUpperCase()} ${path} → ${statusCode}`;
  const value = typeof body === 'string' ? parseBody(route, body) : body;
  if (validator === null) {
    if (value !== undefined) expect.fail(`${route}: the contract has no body here, got ${preview(value)}`);
    return;
  }
  if (value === undefined) expect.fail(`${route}: the contract requires a JSON body, got none`);
  if (!validator(value)) {
    expect.fail(
      `${route}: the body does not match ${DOCUMENT}:\n${describeErrors(validator.errors ?? [])}\nbody: ${preview(value)}`,
    );
  }
}

/**
 * expectMatchesContract for a handler's whole result, also checking its headers: the documented ones
 * (present when required, matching their schema when present) and a JSON Content-Type for a JSON body.
 */
export function expectResultMatchesContract(
  method: string,
  path: string,
  result: APIGatewayProxyResult,
): void {
  expectMatchesContract(method, path, result.statusCode, result.body);
  const { id, response } = documentedResponse(method, path, result.statusCode);
  const header = (wanted: string) =>
    Object.entries(result.headers ?? {}).find(([name]) => name.toLowerCase() === wanted.toLowerCase())?.[1];
  for (const [name, documented] of Object.entries(response.headers ?? {})) {
    const { required, schema } = resolve<HeaderObject>('headers', documented);
    const value = header(name);
    if (value === undefined) {
      if (required) expect.fail(`${id}: the contract requires the header ${name}`);
      continue;
    }
    if (schema === undefined) continue;
    const validator = headerValidator(`${id} ${name}`, schema);
    if (!validator(String(value))) {
      const problems = (validator.errors ?? []).map((error) => error.message).join(', ');
      expect.fail(`${id}: the header ${name}: ${JSON.stringify(value)} ${problems}`);
    }
  }
  if (result.body !== '') {
    expect(String(header('content-type')), `${id}: Content-Type`).to.match(/^application\/json\b/);
  }
}

function headerValidator(id: string, schema: JsonObject): ValidateFunction {
  const cached = validators.get(id);
  if (cached) return cached;
  const validator = contract().ajv.compile(forAjv(schema, contract().document.components.schemas));
  validators.set(id, validator);
  return validator;
}

function parseBody(route: string, body: string): unknown {
  if (body === '') return undefined;
  try {
    return JSON.parse(body);
  } catch {
    return expect.fail(`${route}: the body is not JSON: ${body.slice(0, 200)}`);
  }
}

// Keywords whose ajv message does not say which value was expected or found; their params do.
const DETAILED_KEYWORDS = new Set(['const', 'enum', 'additionalProperties', 'discriminator']);

function describeErrors(errors: ErrorObject[]): string {
  return errors
    .map((error) => {
      const where = error.instancePath === '' ? '(body)' : error.instancePath;
      const detail = DETAILED_KEYWORDS.has(error.keyword) ? ` ${JSON.stringify(error.params)}` : '';
      return `  ${where} ${error.message}${detail}`;
    })
    .join('\n');
}

function preview(value: unknown): string {
  const text = JSON.stringify(value);
  return text.length > 2000 ? `${text.slice(0, 2000)}…` : text;
}
