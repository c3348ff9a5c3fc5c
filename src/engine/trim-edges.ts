/**
 * Removes every leading and trailing code point that `isEdge` matches.
 *
 * A regular expression such as `/[…]+$/` does the same, but V8 retries it from every
 * position of a long inner run, which takes seconds on a 64 KiB message of spaces.
 * This walks in from both ends once, so it stays linear in the text's length.
 *
 * @param isEdge a pattern matching one code point, such as `/[\p{P}\s]/u`, without the `g` flag.
 */
export function trimEdges(text: string, isEdge: RegExp): string {
  const codePoints = [...text];
  let start = 0;
  let end = codePoints.length;
  while (start < end && isEdge.test(codePoints[start]!)) start++;
  while (end > start && isEdge.test(codePoints[end - 1]!)) end--;
  return start === 0 && end === codePoints.length ? text : codePoints.slice(start, end).join('');
}
