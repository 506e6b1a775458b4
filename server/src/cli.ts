// The mmlock command line (DESIGN.md, contract). Each subcommand lives in cli/<name>.ts.
import { UsageError } from './cli/args';
import type { CliIO, Command } from './cli/io';
import { commands } from './cli/commands';

const USAGE = `usage:
  mmlock check [--tree DIR] [--profile auto|ID|FILE] [--format text|json|sarif] [--all] INPUT...
  mmlock simulate [--tree DIR] [--profile ...] [--function NAME]... [--scenario ID]... [--format text|json] INPUT
  mmlock check --what-if EDIT[,EDIT]... [--tree DIR] PATH...
  mmlock stats [--profile ...] [--format text|json] PATH...
  mmlock profiles`;

export async function main(argv: string[], io: CliIO): Promise<number> {
  const [name, ...rest] = argv;
  if (!name || name === '--help' || name === '-h' || name === 'help') {
    (name ? io.out : io.err)(USAGE + '\n');
    return name ? 0 : 2;
  }
  const cmd: Command | undefined = commands[name];
  if (!cmd) { io.err(`mmlock: unknown command '${name}'\n${USAGE}\n`); return 2; }
  try {
    return await cmd(rest, io);
  } catch (e) {
    if (e instanceof UsageError) { io.err(`mmlock ${name}: ${e.message}\n`); return 2; }
    const err = e as Error & { file?: string; line?: number };
    const where = err.file ? `${err.file}${err.line ? `:${err.line}` : ''}: ` : '';
    io.err(`mmlock ${name}: ${where}${err.message}\n`);
    return 2;
  }
}

import { isMainThread, parentPort, workerData } from 'worker_threads';
import { runChunk } from './cli/check-worker';

if (!isMainThread && workerData?.mmlockCheck) {
  // A worker of `mmlock check` (cli/check-worker.ts): analyse its chunk and hand the results back.
  runChunk(workerData.mmlockCheck).then((r) => parentPort!.postMessage(r), (e) => { throw e; });
} else if (require.main === module) {
  // `mmlock check ... | head`: a closed pipe ends the run quietly.
  process.stdout.on('error', (e: NodeJS.ErrnoException) => { if (e.code === 'EPIPE') process.exit(process.exitCode ?? 0); throw e; });
  const io: CliIO = {
    out: (s) => process.stdout.write(s),
    err: (s) => process.stderr.write(s),
    readStdin: () => new Promise((resolve, reject) => {
      const chunks: Buffer[] = [];
      process.stdin.on('data', (c) => chunks.push(c));
      process.stdin.on('end', () => resolve(Buffer.concat(chunks).toString('utf8')));
      process.stdin.on('error', reject);
    }),
    cwd: process.cwd(),
  };
  main(process.argv.slice(2), io).then((code) => { process.exitCode = code; });
}
