/** zod schema of ProjectSettings: the one place their ranges are checked. */
import { z } from 'zod';
import { EMBEDDERS, ORIENTATION_MODELS, STRATEGIES, type ProjectSettings } from '../../shared/types.js';

/** The settings object schema (stored settings may carry fields a newer version added). */
export const projectSettingsObject = z.object({
  inputSize: z
    .number()
    .int()
    .min(16, 'inputSize must be at least 16 px')
    .max(256, 'inputSize must be at most 256 px')
    .refine((v) => v % 8 === 0, 'inputSize must be a multiple of 8 (the encoder halves it three times)'),
  latentDim: z.number().int().min(2).max(1024),
  axial: z.boolean(),
  testFraction: z.number().min(0).max(0.9),
  testMax: z.number().int().min(0),
  colorMode: z.enum(['gray', 'rgb']),
  seed: z.number().int(),
  strategy: z.enum(STRATEGIES),
  orientationModel: z.enum(ORIENTATION_MODELS),
  embeddingTurns: z.number().int().min(1, 'embeddingTurns must be at least 1 (1 = plain latent vector)').max(36, 'embeddingTurns must be at most 36'),
  embedder: z.enum(EMBEDDERS),
});

export const projectSettingsSchema: z.ZodType<ProjectSettings> = projectSettingsObject;
