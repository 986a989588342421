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
import { tail } from './tail.js';
import { dedup } from './dedup.js';
import { rare, top } from './top-rare.js';
import { bin, bucket } from './bin.js';
import { rex } from './rex.js';
import { regex } from './regex.js';
import { fillnull } from './fillnull.js';
import { makemv } from './makemv.js';
import { lookup } from './lookup.js';
import { inputlookup } from './inputlookup.js';
import { tstats } from './tstats.js';
import { eventstats } from './eventstats.js';
import { streamstats } from './streamstats.js';
import { makeresults } from './makeresults.js';
import { reverse } from './reverse.js';
import { convert } from './convert.js';
import { addcoltotals, addtotals } from './totals.js';
import { trendline } from './trendline.js';
import { xyseries } from './xyseries.js';
import { untable } from './untable.js';
import { fieldsummary } from './fieldsummary.js';
import { append } from './append.js';
import { appendcols } from './appendcols.js';
import { appendpipe } from './appendpipe.js';
import { multisearch, union } from './union.js';
import { join } from './join.js';
import { foreach } from './foreach.js';
import { map } from './map.js';
import { transaction } from './transaction.js';
import { iplocation } from './iplocation.js';
import { geostats } from './geostats.js';
import { outputlookup } from './outputlookup.js';

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
  tail,
  dedup,
  top,
  rare,
  bin,
  bucket,
  rex,
  regex,
  fillnull,
  makemv,
  lookup,
  inputlookup,
  tstats,
  eventstats,
  streamstats,
  makeresults,
  reverse,
  convert,
  addtotals,
  addcoltotals,
  trendline,
  xyseries,
  untable,
  fieldsummary,
  append,
  appendcols,
  appendpipe,
  union,
  multisearch,
  join,
  foreach,
  map,
  transaction,
  iplocation,
  geostats,
  outputlookup,
} as unknown as Record<string, SplCommand<never>>;

export type { SplCommand } from './command.js';
