import { createHash } from 'node:crypto';
import { mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { inflateRawSync } from 'node:zlib';
import { AwsProvider } from '@cdktf/provider-aws/lib/provider';
import { App, TerraformStack } from 'cdktf';
import type { Route, Worker } from '../../contract/routes';
import type { HandlerBundle } from '../../modules/bundle/handler-bundle';
import { singleFileZip } from '../../modules/bundle/single-file-zip';
import { addLockboxStacks, type LockboxAppProps } from '../../stacks/app';
import { type EnvironmentConfig, environments } from '../../stacks/environments';
import { LockboxStack } from '../../stacks/lockbox-stack';
import type { StateBucket } from '../../stacks/state-backend';

// biome-ignore lint/suspicious/noExplicitAny: Terraform JSON is untyped; the tests assert its shape.
export type Block = Record<string, any>;

/** One IAM statement as the policy document data source holds it (snake_case). */
export interface Statement {
  readonly sid?: string;
  readonly effect?: string;
  readonly actions?: string[];
  readonly resources?: string[];
  readonly principals?: { type: string; identifiers: string[] }[];
  readonly condition?: { test: string; variable: string; values: string[] }[];
}

export interface SynthOptions {
  readonly config?: EnvironmentConfig;
  readonly routes?: readonly Route[];
  readonly workers?: readonly Worker[];
  readonly stateBucket?: StateBucket;
}

/** The stack's Terraform JSON with lookups by type, reference and policy document. */
export class Synthesized {
  constructor(
    readonly json: Block,
    /** Every file the synth wrote, by path relative to the outdir. */
    readonly files: ReadonlyMap<string, Buffer>,
  ) {}

  /** Resources of one type, by logical id. */
  resources(type: string): [string, Block][] {
    return Object.entries(this.json.resource?.[type] ?? {});
  }

  /** The one resource of `type`; fails when there is none or several. */
  only(type: string): Block {
    const all = this.resources(type);
    if (all.length !== 1) throw new Error(`Expected one ${type}, found ${all.length}`);
    return (all[0] as [string, Block])[1];
  }

  /** The resource a `${type.name.attr}` reference points to. */
  deref(reference: string): [string, Block] {
    const match = /^\$\{([a-z0-9_]+)\.([A-Za-z0-9_-]+)\.[a-z_]+\}$/.exec(reference);
    if (match === null) throw new Error(`Not a resource reference: ${reference}`);
    const [, type, name] = match as unknown as [string, string, string];
    const block = this.json.resource?.[type]?.[name];
    if (block === undefined) throw new Error(`No ${type}.${name}`);
    return [`${type}.${name}`, block];
  }

  /** The statements of a policy given as `${data.aws_iam_policy_document.<name>.json}`. */
  statements(policyReference: string): Statement[] {
    const match = /^\$\{data\.aws_iam_policy_document\.([A-Za-z0-9_-]+)\.json\}$/.exec(policyReference);
    if (match === null) throw new Error(`Policy is not a policy document: ${policyReference}`);
    return this.json.data.aws_iam_policy_document[match[1] as string].statement;
  }

  /** Every statement of every inline policy on the role `${aws_iam_role.<name>.arn}`. */
  roleStatements(roleReference: string): Statement[] {
    const [address] = this.deref(roleReference);
    return this.resources('aws_iam_role_policy')
      .filter(([, policy]) => policy.role === `\${${address}.id}`)
      .flatMap(([, policy]) => this.statements(policy.policy));
  }

  /** The Lambda function with this name. */
  lambda(functionName: string): Block {
    const found = this.resources('aws_lambda_function').find(([, fn]) => fn.function_name === functionName);
    if (found === undefined) throw new Error(`No function ${functionName}`);
    return found[1];
  }

  /** `${aws_lambda_function.<id>.attr}` of the Lambda function with this name. */
  functionRef(functionName: string, attribute: string): string {
    const found = this.resources('aws_lambda_function').find(([, fn]) => fn.function_name === functionName);
    if (found === undefined) throw new Error(`No function ${functionName}`);
    return `\${aws_lambda_function.${found[0]}.${attribute}}`;
  }

  /** `${type.name.attr}` for the one resource of `type`. */
  ref(type: string, attribute: string): string {
    const all = this.resources(type);
    if (all.length !== 1) throw new Error(`Expected one ${type}, found ${all.length}`);
    return `\${${type}.${(all[0] as [string, Block])[0]}.${attribute}}`;
  }
}

/** Synthesizes a LockboxStack into a temporary folder, reads everything back and removes the folder. */
export function synth(options: SynthOptions = {}): Synthesized {
  return synthApp((app) => {
    const config = options.config ?? (environments.dev as EnvironmentConfig);
    const { routes, workers, stateBucket } = options;
    new LockboxStack(app, STACK, { config, routes, workers, stateBucket });
  }).only(STACK);
}

/** Synthesizes whatever `build` puts in a stack of its own (for testing one module). */
export function synthModule(build: (stack: TerraformStack, scratch: string) => void): Synthesized {
  return synthApp((app, scratch) => {
    const stack = new TerraformStack(app, STACK);
    new AwsProvider(stack, 'aws', { region: 'eu-west-1' });
    build(stack, scratch);
  }).only(STACK);
}

/** Every stack of one synth, and the dependencies between them that cdktf's manifest records. */
export class SynthesizedApp {
  constructor(
    readonly stacks: ReadonlyMap<string, Synthesized>,
    readonly dependencies: ReadonlyMap<string, readonly string[]>,
  ) {}

  only(name: string): Synthesized {
    const stack = this.stacks.get(name);
    if (stack === undefined) throw new Error(`No stack ${name}; have ${[...this.stacks.keys()].join(', ')}`);
    return stack;
  }
}

/** Synthesizes the app main.ts builds (stacks/app.ts), for the given environments. */
export function synthStacks(props: LockboxAppProps): SynthesizedApp {
  return synthApp((app) => {
    addLockboxStacks(app, props);
  });
}

/** A stand-in bundle for a handler, written under `dir`. */
export function fakeBundle(dir: string, handler: string): HandlerBundle {
  const code = Buffer.from(`exports.handler = async () => ({ statusCode: 204 }); // ${handler}`);
  const zipPath = join(dir, `${handler}.zip`);
  writeFileSync(zipPath, singleFileZip('index.js', code));
  return { handler, zipPath, bytes: code.length, sha256: createHash('sha256').update(code).digest('base64') };
}

const STACK = 'lockbox-test';

function synthApp(build: (app: App, scratch: string) => void): SynthesizedApp {
  const outdir = mkdtempSync(join(tmpdir(), 'lockbox-infra-test-'));
  try {
    const app = new App({ outdir: join(outdir, 'out') });
    build(app, outdir);
    app.synth();
    const files = readTree(join(outdir, 'out'));
    const read = (path: string) => JSON.parse((files.get(path) as Buffer).toString('utf8'));
    const manifest: { stacks: Record<string, { dependencies: string[] }> } = read('manifest.json');
    const stacks = new Map<string, Synthesized>();
    const dependencies = new Map<string, string[]>();
    for (const [name, { dependencies: dependsOn }] of Object.entries(manifest.stacks)) {
      stacks.set(name, new Synthesized(read(`stacks/${name}/cdk.tf.json`), files));
      dependencies.set(name, dependsOn);
    }
    return new SynthesizedApp(stacks, dependencies);
  } finally {
    rmSync(outdir, { recursive: true, force: true });
  }
}

const cache = new Map<string, Synthesized>();

/** The dev environment with the real route table, synthesized once per test run. */
export function synthDev(): Synthesized {
  let result = cache.get('dev');
  if (result === undefined) {
    result = synth();
    cache.set('dev', result);
  }
  return result;
}

function readTree(root: string, dir = ''): Map<string, Buffer> {
  const files = new Map<string, Buffer>();
  for (const name of readdirSync(join(root, dir)).sort()) {
    const path = dir === '' ? name : `${dir}/${name}`;
    if (statSync(join(root, path)).isDirectory()) {
      for (const [file, content] of readTree(root, path)) files.set(file, content);
    } else {
      files.set(path, readFileSync(join(root, path)));
    }
  }
  return files;
}

/** `{x}` path parameters become `*` in execute-api ARNs. */
export function arnPath(path: string): string {
  return path.replace(/\{[^}]*\}/g, '*');
}

/** The `index.js` of a function's deployed zip (one deflated entry, see single-file-zip.ts). */
export function bundleCode(stack: Synthesized, filename: string): string {
  const path = [...stack.files.keys()].find((file) => file.endsWith(`/${filename}`));
  const zip = stack.files.get(path as string) as Buffer;
  const start = 30 + zip.readUInt16LE(26) + zip.readUInt16LE(28);
  return inflateRawSync(zip.subarray(start, start + zip.readUInt32LE(18))).toString('utf8');
}
