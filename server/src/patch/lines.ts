// Splitting input text into numbered lines. Line breaks are counted as LSP clients count them
// (\r\n, \n and a lone \r), so every inputLine we report is the line an editor shows.

export interface InputLine {
  text: string;   // without its line ending
  no: number;     // 1-based line number in the input
}

export function splitLines(text: string): string[] {
  if (text.charCodeAt(0) === 0xfeff) text = text.slice(1);
  if (text === '') return [];
  const lines = text.split(/\r\n|\r|\n/);
  // A final line break ends the last line; it does not start an empty one.
  if (lines.length > 1 && lines[lines.length - 1] === '') lines.pop();
  return lines;
}

export function numberLines(lines: string[]): InputLine[] {
  return lines.map((text, i) => ({ text, no: i + 1 }));
}
