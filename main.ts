import { App } from 'cdktf';
import { addLockboxStacks } from './stacks/app';
import { environmentConfig, environments } from './stacks/environments';
import { tuneSynthProcess } from './stacks/synth-process';

/**
 * Synthesizes every stack: one per environment of stacks/environments.ts (`lockbox-<env>`) and one per
 * account and region they use (`lockbox-account-<region>`). LOCKBOX_STATE_BUCKET (and optionally
 * LOCKBOX_STATE_REGION) moves every stack's state to that S3 bucket, whatever the environments say.
 */
const stateOverride = process.env.LOCKBOX_STATE_BUCKET
  ? { bucket: process.env.LOCKBOX_STATE_BUCKET, region: process.env.LOCKBOX_STATE_REGION || undefined }
  : undefined;

tuneSynthProcess();
const app = new App({ outdir: 'cdktf.out' });
addLockboxStacks(app, { environments: Object.keys(environments).map(environmentConfig), stateOverride });
app.synth();
