/** S3 returns ETags in quotes (`"abc…"`); the API reports them bare. */
export function unquoteEtag(etag: string | undefined): string {
  return (etag ?? '').replace(/^"|"$/g, '');
}
