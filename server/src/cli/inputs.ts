// Reading command-line inputs: files, directories (their *.c files), or "-" for stdin.
import * as fs from 'fs';
import * as path from 'path';
import type { CliIO } from './io';

export interface InputText { name: string; abs: string | null; text: string }

export class InputError extends Error {
  constructor(message: string, readonly file: string, readonly line?: number) { super(message); }
}

/** Expand inputs: a directory stands for the .c files directly in it (mm/ as mm/*.c). */
export function expandInputs(inputs: string[], cwd: string): string[] {
  const out: string[] = [];
  for (const i of inputs) {
    if (i === '-') { out.push(i); continue; }
    const abs = path.resolve(cwd, i);
    let st: fs.Stats;
    try { st = fs.statSync(abs); } catch { throw new InputError('no such file or directory', i); }
    if (st.isDirectory()) {
      const files = fs.readdirSync(abs).filter((f) => f.endsWith('.c')).sort();
      if (!files.length) throw new InputError('directory has no .c files', i);
      for (const f of files) out.push(path.join(i, f));
    } else out.push(i);
  }
  return out;
}

export async function readInput(name: string, io: CliIO): Promise<InputText> {
  if (name === '-') return { name: '-', abs: null, text: decode(Buffer.from(await io.readStdin(), 'utf8'), '-') };
  const abs = path.resolve(io.cwd, name);
  let buf: Buffer;
  try { buf = fs.readFileSync(abs); } catch (e) {
    const code = (e as NodeJS.ErrnoException).code;
    throw new InputError(code === 'ENOENT' ? 'no such file' : code === 'EISDIR' ? 'is a directory' : `cannot read (${code})`, name);
  }
  return { name, abs, text: decode(buf, name) };
}

/** UTF-8 text; a NUL byte means binary input, which is refused with the line it is on. */
function decode(buf: Buffer, name: string): string {
  const nul = buf.indexOf(0);
  if (nul >= 0) {
    let line = 1;
    for (let i = 0; i < nul; i++) if (buf[i] === 10) line++;
    throw new InputError('binary data (NUL byte) in input', name, line);
  }
  // Invalid UTF-8 becomes U+FFFD: positions stay per line, nothing is lost silently.
  return buf.toString('utf8');
}
