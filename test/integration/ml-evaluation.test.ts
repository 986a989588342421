import { describe, expect, it } from 'vitest';
import { DEFAULT_ML_CONFIG, evaluateCorpus, evaluateLabelled, generateLabelledCorpus, type DetectorEvaluation } from '../../src/detect/index.js';
import { generateCorpus } from '../../src/sim/index.js';

const byName = (detectors: readonly DetectorEvaluation[], name: string): DetectorEvaluation => {
  const d = detectors.find((x) => x.name === name);
  if (d === undefined) throw new Error(`no ${name} in the evaluation`);
  return d;
};

describe('ML Detect quality', () => {
  // `vigil ml evaluate` on the whole labelled corpus (every cadence, noise level and kind of signal,
  // every anomaly family) with the two baselines the acceptance names; the scores come from the NAB
  // scorer over the labelled windows of this run.
  it('on the labelled corpus scores ≥ 1.5 × the windowed Gaussian and ≥ the previous model + 30, with ≤ 1 false alarm / 100 device-days on normal series', () => {
    const corpus = generateLabelledCorpus({ seed: 1 });
    const result = evaluateLabelled(corpus, DEFAULT_ML_CONFIG, { detectors: ['vigil', 'windowed-gaussian', 'legacy-median-mad'] });
    expect(result.corpus.families).toHaveLength(12);
    const vigil = byName(result.detectors, 'vigil').levels.MEDIUM;
    if (vigil === undefined) throw new Error('vigil has no MEDIUM level');
    const gaussian = byName(result.detectors, 'windowed-gaussian').best.standard.scores.standard;
    const legacy = byName(result.detectors, 'legacy-median-mad').best.standard.scores.standard;
    expect(vigil.scores.standard).toBeGreaterThanOrEqual(1.5 * gaussian);
    expect(vigil.scores.standard).toBeGreaterThanOrEqual(legacy + 30);
    expect(vigil.normalFalseAlarmsPer100DeviceDays).toBeLessThanOrEqual(1);
    // Every family is reported, each with its windows.
    for (const family of result.corpus.families) expect(vigil.byFamily[family]?.windows).toBeGreaterThan(0);
  }, 600_000);

  it('on the security scenario corpus detects ≥ 95 % of incidents at MEDIUM, a device going silent and a repeat of last week\'s exfiltration included', () => {
    const corpus = generateCorpus({ devices: 20, days: 14, trainDays: 7, seed: 1 });
    const result = evaluateCorpus(corpus, { config: DEFAULT_ML_CONFIG });
    const medium = result.levels.MEDIUM;
    expect(medium.detectionRate).toBeGreaterThanOrEqual(0.95);
    expect(medium.byIncident['device-goes-silent']).toMatchObject({ incidents: 2, detected: 2 });
    expect(medium.byIncident['repeat-of-last-weeks-exfiltration']).toMatchObject({ incidents: 2, detected: 2 });
  }, 600_000);
});
