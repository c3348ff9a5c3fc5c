/**
 * Returns whether a file in the surveys folder is a survey: `*.json`, except dotfiles,
 * which are editor leftovers such as Emacs's ".#survey.json" lock links.
 */
export function isSurveyFileName(name: string): boolean {
  return name.endsWith('.json') && !name.startsWith('.');
}

/**
 * Compares file names by UTF-16 code unit. Unlike localeCompare, the order is the same
 * on every machine, so the file that wins a conflict and the order of a run never
 * depend on the locale.
 */
export function compareCodeUnits(a: string, b: string): number {
  if (a < b) return -1;
  if (a > b) return 1;
  return 0;
}
