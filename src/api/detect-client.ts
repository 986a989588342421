import type { Behavior, MetricValue } from '../model/index.js';
import type { VigilClient } from './client.js';

const enc = encodeURIComponent;

export interface ProfileDocument {
  readonly securityProfileName?: string;
  readonly securityProfileArn?: string;
  readonly securityProfileDescription?: string;
  readonly behaviors?: Behavior[];
  readonly version?: number;
  readonly [key: string]: unknown;
}

export interface ViolationView {
  readonly violationId: string;
  readonly thingName: string;
  readonly securityProfileName: string;
  readonly behavior: Behavior;
  readonly lastViolationValue?: MetricValue;
  readonly metricValue?: MetricValue;
  readonly violationEventType?: string;
  readonly verificationState?: string;
  readonly violationStartTime?: number;
  readonly violationEventTime?: number;
}

/** Typed calls of the AWS Detect routes (security profiles, violations) for the CLI. */
export function detectClient(client: VigilClient) {
  return {
    createProfile: (name: string, document: Record<string, unknown>) => client.request<{ securityProfileName: string; securityProfileArn: string }>('POST', `/security-profiles/${enc(name)}`, document),
    updateProfile: (name: string, document: Record<string, unknown>, expectedVersion?: number) =>
      client.request<ProfileDocument>('PATCH', `/security-profiles/${enc(name)}${expectedVersion === undefined ? '' : `?expectedVersion=${expectedVersion}`}`, document),
    describeProfile: (name: string) => client.request<ProfileDocument>('GET', `/security-profiles/${enc(name)}`),
    listProfiles: (nextToken?: string) => client.request<{ securityProfileIdentifiers: Array<{ name: string; arn: string }>; nextToken?: string }>('GET', `/security-profiles${nextToken === undefined ? '' : `?nextToken=${enc(nextToken)}`}`),
    attach: (name: string, targetArn: string) => client.request<void>('PUT', `/security-profiles/${enc(name)}/targets?securityProfileTargetArn=${enc(targetArn)}`),
    validate: (behaviors: unknown) => client.request<{ valid: boolean; validationErrors: Array<{ errorMessage: string }> }>('POST', '/security-profile-behaviors/validate', { behaviors }),
    listActive: (query: Record<string, string>) => client.request<{ activeViolations: ViolationView[]; nextToken?: string }>('GET', `/active-violations?${new URLSearchParams(query).toString()}`),
    listEvents: (query: Record<string, string>) => client.request<{ violationEvents: ViolationView[]; nextToken?: string }>('GET', `/violation-events?${new URLSearchParams(query).toString()}`),
  };
}

export type DetectClient = ReturnType<typeof detectClient>;
