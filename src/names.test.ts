import assert from 'node:assert/strict';
import { hasControlCharacters, NameControlCharactersError, requireCleanName, withoutControlCharacters } from './names.ts';

describe('names: no control characters', () => {
  const refused = ['A\u0000B', 'esc\u001b[31m', 'bell\u0007', 'tab\tname', 'two\nlines', 'cr\r', 'del\u007f', 'c1\u0085', 'c1\u009b',
    'gpj.exe\u202E', '\u202Dforced', '\u202Aembed', '\u2066isolate\u2069', '\u200Fmark', '\u061Carabic', 'line\u2028sep', 'para\u2029sep'];
  const accepted = ['Alice', '山田 花子', 'Élodie Ñúñez', "O'Brien-Smith", 'iPhone 15 (仕事用)', '😀 phone', 'עברית', 'العربية'];

  for (const name of refused) {
    it(`refuses ${JSON.stringify(name)}`, () => {
      assert.equal(hasControlCharacters(name), true);
      assert.throws(() => requireCleanName(name), NameControlCharactersError);
    });
  }
  it('strips them from a name derived from client input', () => {
    assert.equal(withoutControlCharacters('Chrome\u202E 1\u0000 on\u001b Windows'), 'Chrome 1 on Windows');
  });

  it('accepts ordinary names in any script (right-to-left text itself is no control)', () => {
    for (const name of accepted) assert.equal(requireCleanName(name), name);
  });
});
