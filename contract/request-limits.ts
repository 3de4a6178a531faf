/**
 * The most items one request of a route takes: its handler refuses more with a 400, docs/openapi.yaml names
 * them as `maxItems`, and the client and the hooks split larger batches by them.
 */

/**
 * Part URLs signed by one POST /uploads/parts. They expire after 5 minutes, so a client asks for the next
 * parts as it goes; 100 are more than a fast link starts in that time (100 × 16 MiB in 5 minutes is
 * 45 Mbit/s), and at most ~440 KB of JSON (a URL is up to ~4.4 KB, see MAX_PARTS_PER_UPLOAD in settings.ts).
 */
export const MAX_PARTS_PER_SIGNING = 100;

/** The versions one POST /files/restore restores. */
export const MAX_RESTORE_ITEMS = 100;
