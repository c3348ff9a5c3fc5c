/**
 * BCP 47 language tags, as contacts, survey files and sessions store them: in canonical
 * form, such as `es`, `es-MX` or `pt-BR`.
 */

/**
 * Returns the canonical form of a BCP 47 language tag (`ES-mx` becomes `es-MX`), or
 * undefined when the text is not one.
 */
export function canonicalizeLanguage(tag: string): string | undefined {
  let canonical: string | undefined;
  try {
    [canonical] = Intl.getCanonicalLocales(tag);
  } catch {
    return undefined;
  }
  // Intl accepts a 5-8 letter language subtag such as "english", but ISO 639 codes have
  // 2 or 3 letters, so such a subtag is a language name typed in place of a code.
  if (canonical === undefined || !/^[a-z]{2,3}(?:-|$)/.test(canonical)) return undefined;
  return canonical;
}

/**
 * Picks the language of `available` that serves a person who reads `requested`, or
 * returns undefined when none does. Tags are compared ignoring case.
 *
 * The lookup of RFC 4647 (section 3.4) comes first: `es-MX` tries `es-MX`, then `es`.
 * When that finds nothing, the first available tag with the same primary language is
 * taken, so `es` is served by `es-419`.
 */
export function matchLanguage(requested: string | null | undefined, available: readonly string[]): string | undefined {
  if (requested === undefined || requested === null || requested === '') return undefined;
  const find = (tag: string) => available.find((candidate) => candidate.toLowerCase() === tag.toLowerCase());

  const subtags = requested.split('-');
  for (let length = subtags.length; length > 0; length--) {
    const found = find(subtags.slice(0, length).join('-'));
    if (found !== undefined) return found;
    // A single-letter subtag such as "x" or "u" starts an extension, which is dropped with what follows it.
    while (length > 2 && subtags[length - 2]!.length === 1) length--;
  }

  const primary = subtags[0]!.toLowerCase();
  return available.find((candidate) => candidate.split('-')[0]!.toLowerCase() === primary);
}

/**
 * Returns a language's name in that language, capitalized as at the start of a line:
 * "English" for `en`, "Español" for `es`, "Português (Brasil)" for `pt-BR`. Falls back
 * to the tag when the runtime's ICU data has no name for it.
 */
export function nativeLanguageName(tag: string): string {
  const name = new Intl.DisplayNames([tag], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
  return name.charAt(0).toLocaleUpperCase(tag) + name.slice(1);
}

/** Returns a language's name in English, such as "Spanish" for `es`, or the tag when ICU has none. */
export function englishLanguageName(tag: string): string {
  return new Intl.DisplayNames(['en'], { type: 'language', fallback: 'code' }).of(tag) ?? tag;
}

/** Returns the primary language subtag of a tag, in lower case: `es` for `es-MX`. */
export function primaryLanguage(tag: string): string {
  return tag.split('-')[0]!.toLowerCase();
}
