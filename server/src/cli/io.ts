// What a subcommand may touch: output streams and stdin (injected so tests can run commands in-process).
export interface CliIO {
  out: (s: string) => void;
  err: (s: string) => void;
  readStdin: () => Promise<string>;
  cwd: string;
}

export type Command = (argv: string[], io: CliIO) => Promise<number>;
