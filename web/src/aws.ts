import type { ActiveViolation, AuditFindingView, ThingSummary, ViolationEvent } from '../../src/api/contract/index.js';
import { api, enc } from './api';

/** Typed calls of the AWS IoT-compatible routes the console uses; the shapes are the server's contract (src/api/contract). Lists go through `lists.ts`. */
export type ThingItem = ThingSummary;
export type { ActiveViolation, ViolationEvent };
export type AuditFinding = AuditFindingView;
export interface StreamHealth { name: string; status?: Record<string, unknown>; error?: string }

export async function streamsHealth(): Promise<StreamHealth[]> {
  const { streams } = await api<{ streams: Array<{ name: string }> }>('GET', '/api/v1/streams');
  return Promise.all(
    streams.map(async (s) => {
      try {
        return { name: s.name, status: await api<Record<string, unknown>>('GET', `/api/v1/streams/${enc(s.name)}/status`) };
      } catch (e) {
        return { name: s.name, error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}

export function certificateIdOf(arn: string): string {
  return arn.slice(arn.lastIndexOf('/') + 1);
}
