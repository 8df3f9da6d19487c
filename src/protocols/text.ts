// Which strings appmeshd accepts as input: well-formed Unicode made only of characters that
// XML 1.0 can carry, without control characters — tab, line feed, carriage return and
// everything from U+0020 except DEL and the C1 controls (U+007F–U+009F), lone surrogates,
// U+FFFE and U+FFFF. NUL and the other control characters are refused, so every
// accepted string can be stored by both backends, compared exactly, and written back in any
// protocol's envelope (JSON or XML).

const NOT_ALLOWED = /[^\t\n\r\u0020-\u007e\u00a0-\ud7ff\ue000-\ufffd\u{10000}-\u{10ffff}]/u;

/** Why `value` cannot be accepted (the offending character and where), or undefined when it can. */
export function describeBadCharacter(value: string): string | undefined {
  const m = NOT_ALLOWED.exec(value);
  if (!m) return undefined;
  const code = m[0].codePointAt(0)!;
  const hex = code.toString(16).toUpperCase().padStart(4, '0');
  const what = code >= 0xd800 && code <= 0xdfff ? 'an unpaired surrogate' : 'a character that is not allowed';
  return `contains ${what} (U+${hex}) at offset ${m.index}`;
}

/** `text` with every character XML 1.0 cannot carry replaced by U+FFFD. */
export function xmlSafe(text: string): string {
  return NOT_ALLOWED.test(text) ? text.replace(new RegExp(NOT_ALLOWED.source, 'gu'), '\ufffd') : text;
}
