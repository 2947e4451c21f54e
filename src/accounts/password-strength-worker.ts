// The zxcvbn estimate, in a worker thread of its own (see password-strength.ts for why): builds the
// dictionaries once, then answers each { id, password, personal } with { id, score, feedback }.
import { parentPort } from 'node:worker_threads';
import { ZxcvbnFactory } from '@zxcvbn-ts/core';
import * as common from '@zxcvbn-ts/language-common';
import * as english from '@zxcvbn-ts/language-en';
import { ESTIMATE_OPTIONS, type StrengthAnswer, type StrengthQuestion } from './password-strength.ts';

const factory = new ZxcvbnFactory({ ...ESTIMATE_OPTIONS, graphs: common.adjacencyGraphs, dictionary: { ...common.dictionary, ...english.dictionary } });

parentPort?.on('message', (question: StrengthQuestion) => {
  let answer: StrengthAnswer;
  try {
    const result = factory.check(question.password, question.personal);
    answer = { id: question.id, score: result.score, warning: result.feedback.warning ?? null, suggestions: result.feedback.suggestions };
  } catch (err) {
    answer = { id: question.id, error: String(err) };
  }
  parentPort?.postMessage(answer);
});
