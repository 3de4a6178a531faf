// Settings every handler module reads at import (its cold start); tests hand handlers their own deps.
process.env.BUCKET_NAME ??= 'lockbox-test';
process.env.ALLOWED_ORIGINS ??= 'http://localhost:5173';
process.env.IDENTITY_POOL_ID ??= 'eu-west-1:00000000-0000-4000-8000-00000000c0de';
process.env.CALLER_ROLE_ARN ??= 'arn:aws:iam::000000000000:role/lockbox-test-caller';
process.env.AWS_REGION ??= 'eu-west-1';
process.env.AWS_ACCESS_KEY_ID ??= 'S3RVER';
process.env.AWS_SECRET_ACCESS_KEY ??= 'S3RVER';
