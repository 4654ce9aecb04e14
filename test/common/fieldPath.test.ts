import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { fieldErrorsOf, formatPath } from '../../src/common/fieldPath';

describe('field paths', () => {
  it('formats paths as a caller writes them', () => {
    expect(formatPath(['decision', 'actions', 1, 'prior'])).toBe('decision.actions[1].prior');
    expect(formatPath([2, 'offerId'])).toBe('[2].offerId');
    expect(formatPath([])).toBe('');
  });

  it('names the field of each schema issue, unknown keys one by one, the input itself when the path is empty', () => {
    const schema = z.object({ id: z.string(), tags: z.array(z.string()).optional() }).strict();
    const parsed = schema.safeParse({ tags: ['a', 3], extra: 1, other: 2 });
    expect(parsed.success).toBe(false);
    expect(fieldErrorsOf(parsed.error!.issues, '(thing)')).toEqual(
      expect.arrayContaining([
        { field: 'id', message: expect.any(String) },
        { field: 'tags[1]', message: expect.any(String) },
        { field: 'extra, other', message: 'is not a known field' },
      ]),
    );
    expect(fieldErrorsOf(z.string().safeParse(1).error!.issues, '(thing)')).toEqual([{ field: '(thing)', message: expect.any(String) }]);
  });
});
