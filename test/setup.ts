import { CREDENTIALS } from '../devtools/local-s3';
import { type LocalDynamoDb, startDynamoDb } from '../local/dynamodb';

// Settings every handler module reads at import (its cold start); tests hand handlers their own deps.
process.env.BUCKET_NAME ??= 'lockbox-test';
process.env.ALLOWED_ORIGINS ??= 'http://localhost:5173';
process.env.IDENTITY_POOL_ID ??= 'eu-west-1:00000000-0000-4000-8000-00000000c0de';
process.env.CALLER_ROLE_ARN ??= 'arn:aws:iam::000000000000:role/lockbox-test-caller';
process.env.AWS_REGION ??= 'eu-west-1';
// The key pair of the tests' local/s3 (devtools/local-s3.ts), for clients built from the environment.
process.env.AWS_ACCESS_KEY_ID ??= CREDENTIALS.accessKeyId;
process.env.AWS_SECRET_ACCESS_KEY ??= CREDENTIALS.secretAccessKey;
process.env.USAGE_TABLE_NAME ??= 'lockbox-usage';

// One dynalite (in memory) for the whole run: handlers built with their default quota deps keep their
// usage there. The SDK reads AWS_ENDPOINT_URL_DYNAMODB at the first request, so it may come after import.
let dynamodb: LocalDynamoDb | undefined;
export const mochaHooks = {
  async beforeAll() {
    dynamodb = await startDynamoDb({ tableName: process.env.USAGE_TABLE_NAME });
    process.env.AWS_ENDPOINT_URL_DYNAMODB = dynamodb.endpoint;
  },
  async afterAll() {
    await dynamodb?.stop();
  },
};
