/**
 * Spreadsheet formula ("CSV injection") neutralisation of text cells in the
 * CSV exports, after OWASP's guidance (owasp.org/www-community/attacks/CSV_Injection):
 * a cell that starts with = + - @, tab or carriage return is read as a formula
 * by Excel, LibreOffice and Google Sheets, so it gets a leading single quote.
 * Full-width = + - @ (U+FF1D, U+FF0B, U+FF0D, U+FF20) are treated alike, as
 * some spreadsheets normalise them. JSON exports keep the values unchanged.
 */

/** First characters that make a spreadsheet read a cell as a formula. */
const FORMULA_START = /^[=+\-@\t\r\uff1d\uff0b\uff0d\uff20]/;

/**
 * A text cell made safe for spreadsheets: "'" + text when text starts with a
 * formula character (see the module doc), else text unchanged.
 */
export function csvSafeCell(text: string): string {
  return FORMULA_START.test(text) ? `'${text}` : text;
}

/**
 * The inverse of csvSafeCell for one of its quoted outputs ("'=x" -> "=x");
 * null when `text` is not "'" followed by a formula character.
 */
export function unquoteSafeCell(text: string): string | null {
  return text.startsWith("'") && FORMULA_START.test(text.slice(1)) ? text.slice(1) : null;
}
