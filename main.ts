import { App } from 'cdktf';
import { environmentConfig } from './stacks/environments';
import { LockboxStack, stackName } from './stacks/lockbox-stack';

/**
 * Synthesizes the stack of one environment: LOCKBOX_ENV (default `dev`) picks it from
 * stacks/environments.ts; LOCKBOX_STATE_BUCKET (and optionally LOCKBOX_STATE_REGION) moves its state to S3.
 */
const config = environmentConfig(process.env.LOCKBOX_ENV || 'dev');
const stateBucket = process.env.LOCKBOX_STATE_BUCKET
  ? { bucket: process.env.LOCKBOX_STATE_BUCKET, region: process.env.LOCKBOX_STATE_REGION || undefined }
  : undefined;

const app = new App({ outdir: 'cdktf.out' });
new LockboxStack(app, stackName(config), { config, stateBucket });
app.synth();
