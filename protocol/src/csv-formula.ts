/**
 * Spreadsheet formulas in CSV exports (OWASP's CSV injection): a text cell a spreadsheet would run
 * (`=`, `+`, `-`, `@`, a tab or a carriage return first) is written with a leading `'`, which
 * spreadsheets show as text, and an import of the file takes it off again, so a round trip is
 * exact. A number written as text (`-12.50`, a decimal) is data and stays as it is. The host's
 * exports and imports and the admin app's export use this one copy; it imports nothing (the app
 * bundles it).
 */

/** Formula-like, or already carrying the quote this adds (so that it can be taken off exactly). */
const FORMULA = /^'*[=+\-@\t\r]/;
const NUMBER = /^[+-]?(\d+\.?\d*|\.\d+)([eE][+-]?\d+)?$/;

/** `text` as a CSV export writes it: a formula-like text gets a leading `'`. */
export function defuseFormula(text: string): string {
  return FORMULA.test(text) && !NUMBER.test(text) ? `'${text}` : text;
}

/** A CSV cell as `defuseFormula` wrote it, back to its text. */
export function restoreFormula(text: string): string {
  return text.startsWith("'") && FORMULA.test(text.slice(1)) && !NUMBER.test(text.slice(1)) ? text.slice(1) : text;
}
