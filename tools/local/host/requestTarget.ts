/** Why a request target cannot be served; the host answers 400 with it. */
export class BadRequestTarget extends Error {}

/**
 * The URL of a request from its target and Host header. A target starting with "/" is always a
 * path: "//x/y" is the path "//x/y", not a reference to host "x" (which `new URL(target, base)`
 * would make of it, serving another path than the one asked for). The absolute form
 * ("http://host/path"), which HTTP/1.1 servers must accept, is parsed as a URL. The path must
 * percent-decode as UTF-8, as route parameters are decoded from it.
 */
export function requestUrl(target: string, hostHeader: string | undefined): URL {
  const isPath = target.startsWith('/');
  if (!isPath && !/^https?:\/\//i.test(target)) throw new BadRequestTarget('request target: must be a path starting with "/"');
  let url: URL;
  try {
    url = new URL(isPath ? `http://127.0.0.1${target}` : target);
  } catch {
    throw new BadRequestTarget('request target: is not a valid path or URL');
  }
  if (isPath && hostHeader) url.host = hostHeader; // the setter ignores a malformed host
  try {
    decodeURIComponent(url.pathname);
  } catch {
    throw new BadRequestTarget('path: holds a malformed percent-escape (a "%" not followed by two hex digits, or bytes that are not UTF-8)');
  }
  return url;
}
