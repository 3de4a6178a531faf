/**
 * The usage table's shape (docs/quotas.md): per user one usage item and one ledger item per file the user
 * ever had. `user` is the identity id (the folder), `item` says which item: `usage`, or
 * `file#<sha256 of the key>` (handlers/lib/quotas/table.ts builds both keys). The stack creates the table
 * from it (modules/usage-table.ts), local mode and the tests their dynalite (local/dynamodb.ts).
 */
export const USAGE_TABLE_KEY_SCHEMA = {
  AttributeDefinitions: [
    { AttributeName: 'user', AttributeType: 'S' },
    { AttributeName: 'item', AttributeType: 'S' },
  ],
  KeySchema: [
    { AttributeName: 'user', KeyType: 'HASH' },
    { AttributeName: 'item', KeyType: 'RANGE' },
  ],
} as const;

/**
 * The attribute DynamoDB's TTL reads (epoch seconds): the rate-limit buckets set it
 * (handlers/lib/rate-limit/limiter.ts), so a bucket that is full again goes. Ledger tombstones live inside
 * their file's item and are pruned there (handlers/lib/quotas/versions.ts), not by TTL.
 */
export const USAGE_TABLE_TTL_ATTRIBUTE = 'expiresAt';
