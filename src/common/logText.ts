/**
 * Text from outside (user input, or an error message that may quote it) made safe for one log
 * line: control characters, line and paragraph separators and bidirectional overrides are
 * escaped as \uXXXX, so nobody can forge a line or hide text; then it is cut to `max` characters.
 */
export function logText(text: string, max = 200): string {
  const escaped = text.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029\u202a-\u202e\u2066-\u2069]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
  return escaped.length > max ? `${escaped.slice(0, max)}…` : escaped;
}
