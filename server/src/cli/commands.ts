// The subcommand table. One line per command; each module exports `run`.
import type { Command } from './io';
import { runCheck } from './check';
import { runSimulate } from './simulate';
import { runStats } from './stats';
import { runProfiles } from './profiles';

export const commands: Record<string, Command> = {
  check: runCheck,
  simulate: runSimulate,
  stats: runStats,
  profiles: runProfiles,
};
