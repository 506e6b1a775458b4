// The subcommand table. One line per command; each module exports `run`.
import type { Command } from './io';

export const commands: Record<string, Command> = {
};
