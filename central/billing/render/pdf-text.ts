// Text as the PDF's standard fonts can print it: pdf-writer.ts passes everything it writes through here.

/** The characters of Windows-1252 beyond Latin-1, which the standard fonts' WinAnsi encoding also prints. */
const WIN_ANSI_EXTRA = new Set('€‚ƒ„…†‡ˆ‰Š‹ŒŽ‘’“”•–—˜™š›œžŸ');
/** Letters without a decomposition, and signs, as the nearest WinAnsi text. */
const NEAREST: Readonly<Record<string, string>> = {
  ł: 'l',
  Ł: 'L',
  đ: 'd',
  Đ: 'D',
  ı: 'i',
  ħ: 'h',
  Ħ: 'H',
  ŀ: 'l',
  Ŀ: 'L',
  '→': '->',
  '←': '<-',
  '≤': '<=',
  '≥': '>=',
  '−': '-',
  '\u2009': ' ',
  '\u202f': ' ',
};

const winAnsi = (ch: string): boolean => {
  const c = ch.codePointAt(0)!;
  return c === 0x0a || (c >= 0x20 && c <= 0x7e) || (c >= 0xa0 && c <= 0xff) || WIN_ANSI_EXTRA.has(ch);
};

/**
 * Text the standard fonts can print. Helvetica in a PDF without embedded fonts has WinAnsi's characters
 * only; pdfkit writes anything else as unrelated glyphs ("Łódź" came out as "&BAód¢"). A letter with an
 * accent WinAnsi lacks prints without it (ź → z, ő → o), a few letters and signs as their nearest text
 * (Ł → L, → → ->), anything else as "?". Names in other scripts need an embedded Unicode font.
 */
export function printable(s: string): string {
  let out = '';
  for (const ch of s) {
    if (winAnsi(ch)) out += ch;
    else {
      const base = ch.normalize('NFD').replace(/[\u0300-\u036f]/g, '');
      out += base !== ch && base.length > 0 && [...base].every(winAnsi) ? base : (NEAREST[ch] ?? '?');
    }
  }
  return out;
}
