import { readFileSync } from 'node:fs';
import type { Command } from 'commander';
import { generateCorpus, readCorpus, writeCorpus } from '../../sim/index.js';
import { backtest, CONFIDENCE_LEVELS, evaluateCorpus, parseSeriesCsv, type EvaluationResult } from '../../detect/index.js';
import type { ConfidenceLevel } from '../../model/index.js';
import type { CliContext } from '../context.js';
import { loadConfigOrThrow, printJson, withConfigOption, type ConfigOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const int = (text: string, name: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
};

/** `vigil ml corpus | evaluate | backtest`: offline tools of ML Detect (docs/ml.md); no server needed. */
export function registerMl(program: Command, context: CliContext): void {
  const ml = program.command('ml').description('ML Detect: labelled scenario corpus, quality evaluation, backtest of a series');

  ml.command('corpus')
    .description('write a labelled corpus: simulated devices × days at 300 s with injected incidents')
    .requiredOption('--out <dir>', 'output directory')
    .option('--devices <n>', 'devices (the simulator\'s fleet mix)', '60')
    .option('--days <n>', 'days (the first half is incident-free training data)', '14')
    .option('--seed <n>', 'seed (same seed, same corpus)', '1')
    .action(async (options: { out: string; devices: string; days: string; seed: string }) => {
      const days = int(options.days, '--days');
      const corpus = generateCorpus({ devices: int(options.devices, '--devices'), days, trainDays: Math.floor(days / 2), seed: int(options.seed, '--seed') });
      await writeCorpus(options.out, corpus);
      context.io.out(`wrote ${corpus.devices.length} devices × ${days} days, ${corpus.incidents.length} incidents to ${options.out}\n`);
    });

  ml.command('evaluate')
    .description('train on the incident-free part of a corpus, score the rest: detection and false alarms per confidence level')
    .requiredOption('--corpus <dir>', 'corpus directory (vigil ml corpus)')
    .option('--json', 'print JSON')
    .action(async (options: { corpus: string; json?: boolean }) => {
      const result = evaluateCorpus(await readCorpus(options.corpus));
      if (options.json === true) printJson(context, result);
      else context.io.out(renderEvaluation(result));
    });

  withConfigOption(ml.command('backtest'))
    .description('replay a timestamp,value CSV as one device\'s metric through a model that trains as it goes; prints each point\'s score and alarm state')
    .requiredOption('--input <file>', 'CSV of timestamp,value (epoch s, epoch ms or ISO 8601)')
    .option('--metric <name>', 'metric name', 'aws:all-bytes-out')
    .option('--confidence <level>', 'LOW, MEDIUM or HIGH', 'MEDIUM')
    .option('--json', 'print JSON')
    .action((options: ConfigOptions & { input: string; metric: string; confidence: string; json?: boolean }) => {
      const level = options.confidence.toUpperCase() as ConfidenceLevel;
      if (!CONFIDENCE_LEVELS.includes(level)) throw new UsageError('--confidence must be LOW, MEDIUM or HIGH');
      const config = loadConfigOrThrow(options, context).config.ml;
      const rows = backtest(parseSeriesCsv(readFileSync(options.input, 'utf8')), { metric: options.metric, level, config });
      if (options.json === true) {
        printJson(context, { metric: options.metric, confidenceLevel: level, alarms: rows.filter((r) => r.alarm === 'in-alarm').length, points: rows.map((r) => ({ timestamp: new Date(r.time).toISOString(), value: r.value, score: r.score ?? null, tailProbability: r.p ?? null, modelStatus: r.modelStatus, inAlarm: r.inAlarm, event: r.alarm ?? null })) });
        return;
      }
      context.io.out(renderTable(['TIMESTAMP', 'VALUE', 'SCORE', 'TAIL P', 'MODEL', 'ALARM'], rows.map((r) => [new Date(r.time).toISOString(), r.value, r.score === undefined ? '-' : r.score.toFixed(2), r.p === undefined ? '-' : r.p.toExponential(1), r.modelStatus, r.alarm ?? (r.inAlarm ? 'in-alarm' : '')])));
    });
}

function renderEvaluation(result: EvaluationResult): string {
  const rows: Array<Array<string | number>> = [];
  for (const level of CONFIDENCE_LEVELS) {
    const l = result.levels[level];
    for (const [type, r] of Object.entries(l.byIncident)) rows.push([level, type, `${r.detected}/${r.incidents}`, r.medianDatapointsToDetect ?? '-']);
    rows.push([level, 'ALL', `${(l.detectionRate * 100).toFixed(1)} %`, l.medianDatapointsToDetect ?? '-', l.falseAlarmsPer100DeviceDays, l.alarms, l.windowScore]);
  }
  const c = result.corpus;
  return `${renderTable(['LEVEL', 'INCIDENT', 'DETECTED', 'MEDIAN DATAPOINTS', 'FALSE ALARMS /100 DEVICE-DAYS', 'ALARMS', 'WINDOW SCORE'], rows)}\n${c.devices} devices × ${c.days} days, ${c.incidents} incidents, ${c.incidentFreeDeviceDays} incident-free device-days scored; score (MEDIUM window score) ${result.score}\n`;
}
