import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import type { ApiDeps } from '../deps.js';
import { compact, int, query, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

/** GetBehaviorModelTrainingSummaries (§4): one summary per ML behavior, offset-paged (maxResults 1..10). */
export function detectMlRoutes(app: FastifyInstance, deps: ApiDeps): void {
  const ml = deps.detect?.ml;
  if (ml === undefined) return;
  app.get('/behavior-model-training/summaries', { schema: { tags, summary: 'GetBehaviorModelTrainingSummaries' } }, async (request) => {
    const q = query(request);
    const maxResults = int(q['maxResults'], 'maxResults') ?? 10;
    if (maxResults < 1 || maxResults > 10) throw new VigilError('detect.invalid_request', 'maxResults must be between 1 and 10');
    const offset = q['nextToken'] === undefined ? 0 : Number(q['nextToken']);
    if (!Number.isInteger(offset) || offset < 0) throw new VigilError('detect.invalid_request', 'invalid nextToken');
    const records = await ml.summaries(q['securityProfileName']);
    const page = records.slice(offset, offset + maxResults);
    return compact({
      summaries: page.map((r) =>
        compact({
          securityProfileName: r.profileName,
          behaviorName: r.behaviorName,
          trainingDataCollectionStartDate: seconds(r.collectionStart),
          modelStatus: r.status,
          datapointsCollectionPercentage: r.percentage,
          lastModelRefreshDate: r.lastRefresh === undefined ? undefined : seconds(r.lastRefresh),
        }),
      ),
      nextToken: offset + maxResults < records.length ? String(offset + maxResults) : undefined,
    });
  });
}
