import { IoTClient } from '@aws-sdk/client-iot';
import type { TestVigil } from './vigil.js';

/**
 * The AWS SDK's IoT client pointed at a test Vigil's API, signing with a fresh access key named
 * `keyName` (SigV4, as AWS tools do); no retries, so a test sees the first answer.
 */
export async function iotClientFor(vigil: Pick<TestVigil, 'client' | 'running'>, keyName: string, region = 'local'): Promise<IoTClient> {
  const key = await vigil.client.accessKeys.create(keyName);
  return new IoTClient({ endpoint: vigil.running.endpoints['api'] as string, region, credentials: { accessKeyId: key.accessKeyId, secretAccessKey: key.secretAccessKey }, maxAttempts: 1 });
}
