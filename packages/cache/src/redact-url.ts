/** A URL as it may appear in an error message: any `user:password@` replaced by `***@`. */
export function redactUrl(url: string): string {
  return url.replace(/\/\/[^/?#]*@/, '//***@');
}
