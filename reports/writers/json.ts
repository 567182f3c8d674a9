/** Result JSON as written to stdout and files: two-space indent, trailing newline, stable key order. */
export function toJson(result: unknown): string {
  return `${JSON.stringify(result, null, 2)}\n`;
}
