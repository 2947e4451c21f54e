// Number matching: the PC shows a number and the phone must be given that number, so a user who
// approves without looking (push fatigue) is caught. 'choose' offers it among two others, 'type'
// asks for six digits.
import assert from 'node:assert/strict';
import { newMatching } from './number-matching.ts';

const DRAWS = 600;

describe('number matching', () => {
  it("'choose': three different two-digit numbers, the shown one among them", () => {
    for (let i = 0; i < DRAWS; i += 1) {
      const { number, choices } = newMatching('choose');
      assert.equal(choices.length, 3);
      assert.equal(new Set(choices).size, 3, choices.join(' '));
      for (const choice of choices) assert.match(choice, /^[1-9]\d$/);
      assert.ok(choices.includes(number), `${number} not in ${choices.join(' ')}`);
    }
  });

  it("'choose': the right answer is not always in the same place, and the numbers vary", () => {
    const places = new Set<number>();
    const shown = new Set<string>();
    for (let i = 0; i < DRAWS; i += 1) {
      const { number, choices } = newMatching('choose');
      places.add(choices.indexOf(number));
      shown.add(number);
    }
    assert.deepEqual([...places].sort(), [0, 1, 2]);
    assert.ok(shown.size > 60, `only ${shown.size} different numbers in ${DRAWS} draws`);
  });

  it("'type': six digits (leading zeros kept) and nothing to choose from", () => {
    const shown = new Set<string>();
    for (let i = 0; i < DRAWS; i += 1) {
      const { number, choices } = newMatching('type');
      assert.match(number, /^\d{6}$/);
      assert.deepEqual(choices, []);
      shown.add(number);
    }
    assert.ok(shown.size > DRAWS * 0.95, `only ${shown.size} different numbers in ${DRAWS} draws`);
    // One number in ten is below 100000: some of them must have come out.
    assert.ok([...shown].some((number) => number.startsWith('0')), 'no number with a leading zero');
  });
});
