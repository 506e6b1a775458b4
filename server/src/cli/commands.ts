// The subcommand table. One line per command; each module exports `run`.
import type { Command } from './io';
import { runCheck } from './check';

export const commands: Record<string, Command> = {
  check: runCheck,
};
