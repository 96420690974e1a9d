import { describe, expect, it } from 'vitest';
import { warmUpValidation } from './verify-warmup';

describe('verification warm-up', () => {
  it('validates a chain shaped like chart versions, which verifies (a warm-up on failing input would warm the wrong path)', async () => {
    expect(await warmUpValidation()).toBe(true);
  });
});
