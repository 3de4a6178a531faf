import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { QUOTA_BYTES, USAGE_TABLE_NAME } from '../../../contract/settings';
import { readInteger, readText } from '../wiring/env';
import type { UsageStore } from './reservations';

/** What a handler that checks or reports the quota needs; tests hand in their own. */
export interface QuotaDeps {
  readonly store: UsageStore;
  readonly quotaBytes: number;
}

/**
 * The usage table from the settings, read at cold start. The SDK reads the region, the credentials and,
 * in local mode, AWS_ENDPOINT_URL_DYNAMODB itself.
 */
export function usageStoreFromEnv(): UsageStore {
  return { dynamodb: new DynamoDBClient({}), table: readText(USAGE_TABLE_NAME) };
}

export function quotaFromEnv(): QuotaDeps {
  return { store: usageStoreFromEnv(), quotaBytes: readInteger(QUOTA_BYTES) };
}
