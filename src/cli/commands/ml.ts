import type { Command } from 'commander';
import { backtestFiles, CONFIDENCE_LEVELS, DETECTORS, evaluateCorpus, evaluateLabelled, FAMILIES, generateLabelledCorpus, KINDS, parseDuration, type EvaluationResult, type LabelledEvaluation } from '../../detect/index.js';
import type { ConfidenceLevel } from '../../model/index.js';
import { generateCorpus, readCorpus, writeCorpus } from '../../sim/index.js';
import type { CliContext } from '../context.js';
import { loadConfigOrThrow, printJson, withConfigOption, type ConfigOptions } from '../common.js';
import { renderTable, UsageError } from '../output.js';

const int = (text: string, name: string): number => {
  const n = Number(text);
  if (!Number.isInteger(n) || n < 1) throw new UsageError(`${name} must be a positive integer`);
  return n;
};

const list = (text: string | undefined, name: string, allowed: readonly string[]): string[] | undefined => {
  if (text === undefined) return undefined;
  const items = text.split(',').map((s) => s.trim()).filter((s) => s !== '');
  for (const item of items) if (!allowed.includes(item)) throw new UsageError(`${name}: unknown value "${item}" (one of ${allowed.join(', ')})`);
  return items;
};

const levelOf = (text: string): ConfidenceLevel => {
  const level = text.toUpperCase() as ConfidenceLevel;
  if (!CONFIDENCE_LEVELS.includes(level)) throw new UsageError('--level must be LOW, MEDIUM or HIGH');
  return level;
};

/** `vigil ml corpus | evaluate | backtest`: offline tools of ML Detect (docs/ml.md); no server needed. */
export function registerMl(program: Command, context: CliContext): void {
  const ml = program.command('ml').description('ML Detect: labelled evaluation corpus and NAB-style scores, security scenario corpus, backtest of CSV series');

  ml.command('corpus')
    .description('write the security scenario corpus: simulated devices × days at 300 s with injected incidents (for evaluate --corpus)')
    .requiredOption('--out <dir>', 'output directory')
    .option('--devices <n>', 'devices (the simulator\'s fleet mix)', '60')
    .option('--days <n>', 'days (the first half is the training part)', '14')
    .option('--seed <n>', 'seed (same seed, same corpus)', '1')
    .action(async (options: { out: string; devices: string; days: string; seed: string }) => {
      const days = int(options.days, '--days');
      const corpus = generateCorpus({ devices: int(options.devices, '--devices'), days, trainDays: Math.floor(days / 2), seed: int(options.seed, '--seed') });
      await writeCorpus(options.out, corpus);
      context.io.out(`wrote ${corpus.devices.length} devices × ${days} days, ${corpus.incidents.length} incidents to ${options.out}\n`);
    });

  withConfigOption(ml.command('evaluate'))
    .description('score detectors side by side on the labelled corpus (NAB windowed score per family and overall), or run the security scenario corpus (--corpus)')
    .option('--corpus <dir>', 'evaluate the security scenario corpus in this directory (vigil ml corpus) instead: detection and false alarms per confidence level')
    .option('--seed <n>', 'seed of the generated labelled corpus', '1')
    .option('--cadences <list>', 'report cadences in seconds, comma-separated (default 60,300,3600)')
    .option('--kinds <list>', `kinds of normal signal (${KINDS.map((k) => k.name).join(', ')})`)
    .option('--detectors <list>', `detectors to run (${DETECTORS.map((d) => d.name).join(', ')}; default all)`)
    .option('--json', 'print JSON')
    .action(async (options: ConfigOptions & { corpus?: string; seed: string; cadences?: string; kinds?: string; detectors?: string; json?: boolean }) => {
      const config = loadConfigOrThrow(options, context).config.ml;
      if (options.corpus !== undefined) {
        const result = evaluateCorpus(await readCorpus(options.corpus), { config });
        if (options.json === true) printJson(context, result);
        else context.io.out(renderScenarios(result));
        return;
      }
      const cadences = list(options.cadences, '--cadences', ['60', '300', '3600'])?.map(Number);
      const corpus = generateLabelledCorpus({ seed: int(options.seed, '--seed'), cadences, kinds: list(options.kinds, '--kinds', KINDS.map((k) => k.name)) });
      const result = evaluateLabelled(corpus, config, { detectors: list(options.detectors, '--detectors', DETECTORS.map((d) => d.name)) });
      if (options.json === true) printJson(context, result);
      else context.io.out(renderLabelled(result));
    });

  withConfigOption(ml.command('backtest'))
    .description('score timestamp,value CSV series (one file, or every .csv under a directory) as ML Detect would, writing one timestamp,anomaly_score CSV per input under --out')
    .requiredOption('--input <path>', 'a CSV of timestamp,value (epoch s, epoch ms or ISO 8601; optional header), or a directory of them')
    .requiredOption('--out <dir>', 'output directory: each input\'s scores at the same relative path')
    .option('--level <level>', 'confidence level of the alarms reported: LOW, MEDIUM or HIGH', 'MEDIUM')
    .option('--confidence <level>', 'same as --level')
    .option('--training <duration>', 'start of each series that only trains (90m, 24h, 7d…): the first model is built at its end and alarms count after it; scores are written from the first datapoint on (default: ml.min_hours)')
    .option('--metric <name>', 'metric the series stands for (used for its relations; any name)', 'aws:all-bytes-out')
    .option('--detector <name>', `detector (${DETECTORS.map((d) => d.name).join(', ')})`, 'vigil')
    .option('--json', 'print the summary as JSON')
    .action(async (options: ConfigOptions & { input: string; out: string; level: string; confidence?: string; training?: string; metric: string; detector: string; json?: boolean }) => {
      const level = levelOf(options.confidence ?? options.level);
      if (!DETECTORS.some((d) => d.name === options.detector)) throw new UsageError(`--detector must be one of ${DETECTORS.map((d) => d.name).join(', ')}`);
      const config = loadConfigOrThrow(options, context).config.ml;
      let trainingMs = config.min_hours * 3_600_000;
      if (options.training !== undefined) {
        const d = parseDuration(options.training);
        if (!d.ok) throw new UsageError(`--training: ${d.error.message} (${d.error.hint ?? ''})`);
        trainingMs = d.value;
      }
      const result = await backtestFiles(options.input, options.out, { config, level, trainingMs, metric: options.metric, detector: options.detector });
      if (!result.ok) throw result.error;
      if (options.json === true) {
        printJson(context, { level, detector: options.detector, out: options.out, files: result.value });
        return;
      }
      const rows = result.value.map((r) => [r.file, r.points, r.trainedFrom ?? '-', r.alarms.length, r.maxScore.toFixed(3)]);
      context.io.out(`${renderTable(['FILE', 'POINTS', 'ALARMS COUNT FROM', `ALARMS (${level})`, 'MAX SCORE'], rows)}wrote ${result.value.length} score file(s) under ${options.out}\n`);
    });
}

function renderScenarios(result: EvaluationResult): string {
  const rows: Array<Array<string | number>> = [];
  for (const level of CONFIDENCE_LEVELS) {
    const l = result.levels[level];
    for (const [type, r] of Object.entries(l.byIncident)) rows.push([level, type, `${r.detected}/${r.incidents}`, r.medianDatapointsToDetect ?? '-']);
    rows.push([level, 'ALL', `${(l.detectionRate * 100).toFixed(1)} %`, l.medianDatapointsToDetect ?? '-', l.falseAlarmsPer100DeviceDays, l.alarms, l.windowScore]);
  }
  const c = result.corpus;
  return `${renderTable(['LEVEL', 'INCIDENT', 'DETECTED', 'MEDIAN DATAPOINTS', 'FALSE ALARMS /100 DEVICE-DAYS', 'ALARMS', 'WINDOW SCORE'], rows)}\n${c.devices} devices × ${c.days} days, ${c.incidents} incidents, ${c.incidentFreeDeviceDays} incident-free device-days scored; score (MEDIUM window score) ${result.score}\n`;
}

function renderLabelled(result: LabelledEvaluation): string {
  const overall = result.detectors.map((d) => {
    const m = d.levels.MEDIUM;
    return [d.name, m?.scores.standard ?? '-', m?.scores.lowFp ?? '-', m?.scores.lowFn ?? '-', m?.normalFalseAlarmsPer100DeviceDays ?? '-', `${d.best.standard.scores.standard} (${d.best.standard.threshold})`, d.best.lowFp.scores.lowFp, d.best.lowFn.scores.lowFn];
  });
  const families = [...FAMILIES.filter((f) => result.corpus.families.includes(f))];
  const byFamily = families.map((family) => [
    family,
    ...result.detectors.map((d) => {
      const r = (d.levels.MEDIUM ?? d.best.standard).byFamily[family];
      return r === undefined ? '-' : `${r.score} (${r.detected}/${r.windows})`;
    }),
  ]);
  const c = result.corpus;
  return [
    `Labelled corpus: ${c.series} series in ${c.fleets} fleets, ${c.datapoints.toLocaleString('en-US')} report slots, ${c.windows} anomaly windows, ${c.normalSeries} normal series (${c.normalDeviceDays} device-days).`,
    'NAB scores (null detector 0, perfect 100): at MEDIUM, and at each detector\'s best threshold.',
    renderTable(['DETECTOR', 'STANDARD', 'LOW FP', 'LOW FN', 'NORMAL FALSE ALARMS /100 DEVICE-DAYS', 'BEST STANDARD (THRESHOLD)', 'BEST LOW FP', 'BEST LOW FN'], overall),
    'Standard score per family (windows detected), at MEDIUM (best threshold for a detector without levels):',
    renderTable(['FAMILY', ...result.detectors.map((d) => d.name.toUpperCase())], byFamily),
  ].join('\n');
}
