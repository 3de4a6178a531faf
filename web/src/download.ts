/**
 * Starts the browser's download of a presigned URL. The URL answers with `Content-Disposition:
 * attachment`, so the page stays where it is.
 */
export function startDownload(url: string): void {
  const link = document.createElement('a');
  link.href = url;
  link.rel = 'noopener';
  link.hidden = true;
  document.body.append(link);
  link.click();
  link.remove();
}
