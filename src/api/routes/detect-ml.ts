import type { FastifyInstance } from 'fastify';
import { VigilError } from '../../core/index.js';
import { detectContract as c } from '../contract/index.js';
import type { ApiDeps } from '../deps.js';
import { typed } from '../route-app.js';
import { compact, seconds } from './iot-registry-support.js';

const tags = ['AWS IoT Device Defender: Detect'];

/** GetBehaviorModelTrainingSummaries (§4): one summary per ML behavior, offset-paged (maxResults 1..10). */
export function detectMlRoutes(fastify: FastifyInstance, deps: Pick<ApiDeps, 'detect'>): void {
  const app = typed(fastify);
  const { ml } = deps.detect;
  app.get('/behavior-model-training/summaries', { schema: { tags, summary: 'GetBehaviorModelTrainingSummaries', ...c.trainingSummaries } }, async (request) => {
    const q = request.query;
    const maxResults = q.maxResults ?? 10;
    const offset = q.nextToken === undefined ? 0 : Number(q.nextToken);
    if (!Number.isInteger(offset) || offset < 0) throw new VigilError('detect.invalid_request', 'invalid nextToken');
    // Without ML Detect (a Detect built without models) there is nothing in training.
    const records = ml === undefined ? [] : await ml.summaries(q.securityProfileName);
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
