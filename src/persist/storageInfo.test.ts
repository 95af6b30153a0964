import { describe, expect, it } from 'vitest';
import { isQuotaError } from './db';
import { describeWriteFailure } from './storageInfo';

class FakeDomException extends Error {
  constructor(message: string, name: string) {
    super(message);
    this.name = name;
  }
}

describe('describeWriteFailure', () => {
  it('names a full quota, what was lost and what to do', () => {
    const quota = new FakeDomException('The quota has been exceeded.', 'QuotaExceededError');
    expect(isQuotaError(quota)).toBe(true);
    const text = describeWriteFailure('saving run-1 at step 120', quota);
    expect(text).toMatch(/^Storage is full: saving run-1 at step 120 failed/);
    expect(text).toMatch(/previous checkpoint/);
    expect(text).toMatch(/deleting saved runs or datasets/);
    expect(text).toMatch(/QuotaExceededError/);
  });

  it('reports other failures as such', () => {
    expect(isQuotaError(new FakeDomException('disk I/O', 'UnknownError'))).toBe(false);
    expect(isQuotaError(new FakeDomException('Quota exceeded on disk', 'UnknownError'))).toBe(true);
    expect(describeWriteFailure('deleting run-2', new FakeDomException('gone', 'InvalidStateError'))).toBe(
      'Saving failed: deleting run-2 (InvalidStateError: gone). A reload would go back to the previous checkpoint.',
    );
  });
});
