import { describe, expect, it } from 'vitest';
import { classifyKeyword, firstWord, normalizeKeyword } from '../src/engine/keywords.ts';

describe('classifyKeyword', () => {
  it.each([
    ['STOP', 'opt-out'],
    ['stop', 'opt-out'],
    ['  Stop.  ', 'opt-out'],
    ['STOP!!!', 'opt-out'],
    ['"stop"', 'opt-out'],
    ['ＳＴＯＰ', 'opt-out'],
    ['stop 🛑', 'opt-out'],
    ['StopAll', 'opt-out'],
    ['stop all', 'opt-out'],
    ['UNSUBSCRIBE', 'opt-out'],
    ['cancel', 'opt-out'],
    ['End', 'opt-out'],
    ['quit', 'opt-out'],
    ['revoke', 'opt-out'],
    ['optout', 'opt-out'],
    ['opt out', 'opt-out'],
    ['opt-out', 'opt-out'],
    ['START', 'opt-in'],
    ['unstop', 'opt-in'],
    ['Start!', 'opt-in'],
    ['HELP', 'help'],
    ['help?', 'help'],
    ['info', 'help'],
    ['yes', 'yes'],
    ['YES!', 'yes'],
  ])('%j is a keyword of kind %s', (body, kind) => {
    expect(classifyKeyword(body)).toBe(kind);
  });

  it.each([
    'please stop the noise',
    'stop stop stop',
    "don't stop",
    'stopping',
    'unstoppable',
    'the end is near',
    'I need help with question 2',
    'helpful',
    'yes please',
    'yesterday',
    'start over again please',
    'STOP sending me messages',
    '',
    '9',
    'S T O P',
  ])('%j is not a keyword', (body) => {
    expect(classifyKeyword(body)).toBeUndefined();
  });
});

describe('normalizeKeyword', () => {
  it('folds width, case and edge punctuation', () => {
    expect(normalizeKeyword('  ¡ｓｔｏｐ! ')).toBe('STOP');
  });

  it('joins two words', () => {
    expect(normalizeKeyword('Stop-All')).toBe('STOPALL');
  });

  it('rejects three or more words', () => {
    expect(normalizeKeyword('stop it now')).toBe('');
  });
});

describe('firstWord', () => {
  it.each([
    ['FEEDBACK', 'FEEDBACK'],
    ['feedback please', 'FEEDBACK'],
    ['  Feedback!  ', 'FEEDBACK'],
    ['ｆｅｅｄｂａｃｋ', 'FEEDBACK'],
    ['', ''],
  ])('%j starts with %j', (body, word) => {
    expect(firstWord(body)).toBe(word);
  });
});
