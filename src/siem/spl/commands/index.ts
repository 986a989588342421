import type { SplCommand } from './command.js';
import { chart } from './chart.js';
import { evalCommand } from './eval.js';
import { fields } from './fields.js';
import { head } from './head.js';
import { mvexpand } from './mvexpand.js';
import { rename } from './rename.js';
import { search } from './search.js';
import { sort } from './sort.js';
import { spath } from './spath.js';
import { stats } from './stats.js';
import { table } from './table.js';
import { timechart } from './timechart.js';
import { where } from './where.js';

/** Every SPL command, one file each; adding a command means adding a file and a row here. */
export const COMMANDS: Readonly<Record<string, SplCommand<never>>> = {
  search,
  where,
  eval: evalCommand,
  spath,
  mvexpand,
  fields,
  table,
  rename,
  sort,
  head,
  stats,
  chart,
  timechart,
} as unknown as Record<string, SplCommand<never>>;

export type { SplCommand } from './command.js';
