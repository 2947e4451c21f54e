// The zxcvbn estimate, in a worker thread of its own (see password-strength.ts for why): builds the
// dictionaries once, then answers each { id, password, personal } with { id, score, feedback } and
// zxcvbn's English texts for that feedback (so the main thread never loads the dictionaries).
import { parentPort } from 'node:worker_threads';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { ESTIMATE_OPTIONS, type StrengthAnswer, type StrengthQuestion } from './password-strength.ts';

const texts = english.translations as { warnings: Record<string, string>; suggestions: Record<string, string> };
const factory = new ZxcvbnFactory({ ...ESTIMATE_OPTIONS, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...english.dictionary } });

parentPort?.on('message', (question: StrengthQuestion) => {
  let answer: StrengthAnswer;
  try {
    const result = factory.check(question.password, question.personal);
    const warning = result.feedback.warning ?? null;
    const suggestions = result.feedback.suggestions;
    answer = {
      id: question.id,
      score: result.score,
      warning,
      suggestions,
      english: { warning: warning === null ? null : texts.warnings[warning] ?? warning, suggestions: suggestions.map((key) => texts.suggestions[key] ?? key) },
    };
  } catch (err) {
    answer = { id: question.id, error: String(err) };
  }
  parentPort?.postMessage(answer);
});
