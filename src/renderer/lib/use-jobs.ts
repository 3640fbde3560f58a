/**
 * Tracks the service's long jobs from 'job:progress' / 'job:done' events:
 * progress, rate, time left, the loss per epoch and the final error.
 */
import { useEffect, useState } from 'react';
import type { SerializedError } from '../../shared/errors.js';
import type { JobId, JobProgress } from '../../shared/types.js';
import type { DesktopApi } from '../api/desktop-api.js';

export interface JobState {
  readonly jobId: JobId;
  readonly stage: JobProgress['stage'];
  readonly done: number;
  readonly total: number;
  readonly message: string;
  /** What done and total count, when the job said (else the stage's usual unit). */
  readonly unit?: string | null;
  readonly startedAt: number;
  readonly updatedAt: number;
  /** Loss readings in arrival order (one per epoch when training). */
  readonly losses: readonly number[];
  readonly finished: boolean;
  readonly error: SerializedError | null;
}

/** Items per second since the job started (null before any progress). */
export function jobRate(j: JobState, now = Date.now()): number | null {
  const secs = (Math.max(now, j.updatedAt) - j.startedAt) / 1000;
  if (j.done <= 0 || secs <= 0) return null;
  return j.done / secs;
}

/** Seconds left at the current rate (null when unknown). */
export function jobSecondsLeft(j: JobState, now = Date.now()): number | null {
  const r = jobRate(j, now);
  if (r === null || j.total <= 0) return null;
  return Math.max(0, (j.total - j.done) / r);
}

export function useJobs(api: DesktopApi): ReadonlyMap<JobId, JobState> {
  const [jobs, setJobs] = useState<ReadonlyMap<JobId, JobState>>(new Map());
  useEffect(() => {
    const offProgress = api.on('job:progress', (p) => {
      setJobs((prev) => {
        const next = new Map(prev);
        const old = prev.get(p.jobId);
        const now = Date.now();
        const lossChanged = p.loss !== undefined && Number.isFinite(p.loss) && (old === undefined || old.done !== p.done);
        next.set(p.jobId, {
          jobId: p.jobId,
          stage: p.stage,
          done: p.done,
          total: p.total,
          message: p.message,
          unit: p.unit ?? old?.unit ?? null,
          startedAt: old?.startedAt ?? now,
          updatedAt: now,
          losses: lossChanged ? [...(old?.losses ?? []), p.loss!] : (old?.losses ?? []),
          finished: false,
          error: null,
        });
        return next;
      });
    });
    const offDone = api.on('job:done', (d) => {
      setJobs((prev) => {
        const next = new Map(prev);
        const old = prev.get(d.jobId);
        const now = Date.now();
        next.set(d.jobId, {
          jobId: d.jobId,
          stage: d.stage,
          done: old?.done ?? 0,
          total: old?.total ?? 0,
          message: old?.message ?? '',
          unit: old?.unit ?? null,
          startedAt: old?.startedAt ?? now,
          updatedAt: now,
          losses: old?.losses ?? [],
          finished: true,
          error: d.error,
        });
        return next;
      });
    });
    return () => {
      offProgress();
      offDone();
    };
  }, [api]);
  return jobs;
}

/** The most recent job of a stage. */
export function latestJob(jobs: ReadonlyMap<JobId, JobState>, stage: JobProgress['stage']): JobState | null {
  let best: JobState | null = null;
  for (const j of jobs.values()) if (j.stage === stage && (!best || j.startedAt >= best.startedAt)) best = j;
  return best;
}
